/*
 * cognito-wire.js: a small browser client for Amazon Cognito User Pools, written for Cognate's
 * interop suite from the public wire format (AWS JSON 1.1 and Cognito's SRP).
 *
 * It puts on the wire what amazon-cognito-identity-js (the library under Amplify's Auth) puts
 * there, header for header and member for member: a cross-origin fetch() (so a CORS preflight),
 * USER_SRP_AUTH / PASSWORD_VERIFIER, the SDK's localStorage keys and its refresh request, nulls
 * included, and, in pools that remember devices, the device calls the SDK makes by itself:
 * ConfirmDevice after a sign-in that hands out NewDeviceMetadata, DEVICE_KEY on later sign-ins and
 * refreshes, GetDevice / ListDevices, and its retry of PASSWORD_VERIFIER when the remembered device
 * was forgotten. It is not that library's code; only its requests are copied.
 *
 * No third-party code and no build step: BigInt does the group arithmetic and WebCrypto
 * (crypto.subtle) does SHA-256 and HMAC-SHA256, so the page must be a secure context
 * (http://localhost and http://127.0.0.1 are).
 *
 * Exposed as window.CognitoWire = { WireClient, WireError, PoolClient, srp }.
 */
(function (global) {
  'use strict';

  const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
  const DEFAULT_USER_AGENT = 'aws-amplify/6.0.0 framework/0';

  // ---------------------------------------------------------------------------------------------
  // Bytes, hex and base64

  const encoder = new TextEncoder();
  const utf8 = (s) => encoder.encode(s);

  function hexToBytes(hex) {
    if (hex.length % 2 !== 0) throw new Error('hex string of odd length: ' + hex.length);
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
    return out;
  }

  function bytesToHex(bytes) {
    let s = '';
    for (const b of bytes) s += b.toString(16).padStart(2, '0');
    return s;
  }

  function concatBytes(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }

  function bytesToBase64(bytes) {
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin);
  }

  function base64ToBytes(b64) {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  // JWT payloads are base64url without padding; the SDK reads `iat` from them for clockDrift.
  function jwtPayload(token) {
    const seg = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(base64ToBytes(seg + '='.repeat((4 - (seg.length % 4)) % 4)));
    return JSON.parse(json);
  }

  // ---------------------------------------------------------------------------------------------
  // WebCrypto primitives (all async: crypto.subtle has no synchronous API)

  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  }

  async function hmacSha256(keyBytes, messageBytes) {
    const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return new Uint8Array(await crypto.subtle.sign('HMAC', key, messageBytes));
  }

  // ---------------------------------------------------------------------------------------------
  // SRP as Cognito does it (contract §3)

  // The RFC 3526 / RFC 5054 3072-bit MODP prime, the group Cognito uses, with g = 2.
  const N_HEX =
    'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
    '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
    'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
    '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
    'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
    'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';
  const N = BigInt('0x' + N_HEX);
  const G = 2n;

  const mod = (a, m) => ((a % m) + m) % m; // BigInt % keeps the sign of the dividend

  // BigInt has no modPow: right-to-left square and multiply. Exponents here are at most ~1.5k bits.
  function modPow(base, exponent, modulus) {
    if (modulus === 1n) return 0n;
    let result = 1n;
    let b = mod(base, modulus);
    let e = exponent;
    while (e > 0n) {
      if (e & 1n) result = (result * b) % modulus;
      e >>= 1n;
      b = (b * b) % modulus;
    }
    return result;
  }

  // Cognito's padHex: the minimal two's-complement form (Java's BigInteger.toByteArray) as hex.
  // Even length, and a leading 00 byte when the top bit is set, so the value reads as positive.
  // It is NOT padded to the length of N: that is the quirk the whole handshake depends on.
  function padHex(n) {
    if (n < 0n) throw new Error('padHex of a negative number');
    let hex = n.toString(16);
    if (hex.length % 2 === 1) hex = '0' + hex;
    else if ('89abcdef'.includes(hex[0])) hex = '00' + hex;
    return hex;
  }

  // H(hex) = SHA-256 over the bytes a hex string stands for; Hs(str) over its UTF-8 bytes.
  const hashHex = async (hex) => bytesToHex(await sha256(hexToBytes(hex)));
  const hashString = async (s) => bytesToHex(await sha256(utf8(s)));

  let kPromise = null;
  // k = H(padHex(N) | padHex(g)); g is padded as "02", not to |N| as plain RFC 5054 would.
  function kValue() {
    if (!kPromise) kPromise = hashHex(padHex(N) + padHex(G)).then((h) => BigInt('0x' + h));
    return kPromise;
  }

  function randomBigInt(byteCount) {
    return BigInt('0x' + bytesToHex(crypto.getRandomValues(new Uint8Array(byteCount))));
  }

  // One HKDF-SHA256 block: PRK = HMAC(salt, ikm); OKM = HMAC(PRK, info | 0x01), first 16 bytes.
  async function hkdf16(ikm, salt) {
    const prk = await hmacSha256(salt, ikm);
    const okm = await hmacSha256(prk, concatBytes(utf8('Caldera Derived Key'), Uint8Array.of(1)));
    return okm.slice(0, 16);
  }

  // "EEE MMM d HH:mm:ss 'UTC' yyyy" in English and UTC. The day of the month is not padded
  // (Cognito rejects "Dec 07"); the time fields are.
  function cognitoTimestamp(date = new Date()) {
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const p2 = (n) => String(n).padStart(2, '0');
    return `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${date.getUTCDate()} ` +
      `${p2(date.getUTCHours())}:${p2(date.getUTCMinutes())}:${p2(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
  }

  /** The client half of one SRP handshake with a user pool. */
  class SrpClient {
    // smallA is for test vectors only; a real handshake draws 128 random bytes, as the SDK does.
    constructor(userPoolId, smallA) {
      this.poolName = userPoolId.split('_')[1];
      this.a = smallA === undefined ? randomBigInt(128) : smallA;
      this.A = modPow(G, this.a, N);
      if (this.A % N === 0n) throw new Error('Illegal parameter. A mod N cannot be 0.');
    }

    // SRP_A goes out as plain lowercase hex, not padHex'd.
    get srpA() {
      return this.A.toString(16);
    }

    /** PASSWORD_CLAIM_SIGNATURE for a PASSWORD_VERIFIER challenge; also returns the values the
     *  contract's worked vector names so a page can check itself against it. */
    async passwordClaim({ userId, password, salt, srpB, secretBlock, timestamp }) {
      const B = BigInt('0x' + srpB);
      if (B % N === 0n) throw new Error('B cannot be zero.');
      const u = BigInt('0x' + (await hashHex(padHex(this.A) + padHex(B))));
      if (u === 0n) throw new Error('U cannot be zero.');
      const k = await kValue();
      // x = H(padHex(salt) | Hs(poolName | userId | ":" | password)); the salt is read as an integer.
      const inner = await hashString(`${this.poolName}${userId}:${password}`);
      const x = BigInt('0x' + (await hashHex(padHex(BigInt('0x' + salt)) + inner)));
      // S = (B - k*g^x)^(a + u*x) mod N; B - k*g^x is negative more often than not.
      const S = modPow(mod(B - k * modPow(G, x, N), N), this.a + u * x, N);
      const key = await hkdf16(hexToBytes(padHex(S)), hexToBytes(padHex(u)));
      const message = concatBytes(utf8(this.poolName), utf8(userId), base64ToBytes(secretBlock), utf8(timestamp));
      const signature = bytesToBase64(await hmacSha256(key, message));
      return { signature, key: bytesToHex(key), u: u.toString(16), x: x.toString(16), S: padHex(S) };
    }
  }

  /** A new device's secret, as the SDK makes it before ConfirmDevice (spec §5.3): a random
   *  password kept on the device, a salt, and the SRP verifier of DeviceGroupKey/DeviceKey/password.
   *    randomPassword = base64(40 random bytes)
   *    salt           = padHex(16 random bytes read as an integer)   (so 15 to 17 bytes)
   *    x              = H(salt | Hs(DeviceGroupKey | DeviceKey | ":" | randomPassword))
   *    verifier       = padHex(g^x mod N)
   *  and DeviceSecretVerifierConfig carries base64 of the bytes of the two hex strings. */
  async function deviceSecret(deviceGroupKey, deviceKey) {
    const randomPassword = bytesToBase64(crypto.getRandomValues(new Uint8Array(40)));
    const saltHex = padHex(randomBigInt(16));
    const inner = await hashString(`${deviceGroupKey}${deviceKey}:${randomPassword}`);
    const x = BigInt('0x' + (await hashHex(saltHex + inner)));
    const verifierHex = padHex(modPow(G, x, N));
    return {
      randomPassword,
      saltHex,
      verifierHex,
      // Salt before PasswordVerifier, the order the SDK builds the object in.
      config: { Salt: bytesToBase64(hexToBytes(saltHex)), PasswordVerifier: bytesToBase64(hexToBytes(verifierHex)) },
    };
  }

  // ---------------------------------------------------------------------------------------------
  // The wire

  class WireError extends Error {
    constructor(code, message, exchange) {
      super(message || code);
      this.name = 'WireError';
      this.code = code;
      this.exchange = exchange;
    }
  }

  /** POSTs AWS JSON 1.1 requests the way the SDK's Client does, and keeps a record of each
   *  exchange (request body as sent, status, the headers CORS let it read) for the test. */
  class WireClient {
    constructor(endpoint, { userAgent = DEFAULT_USER_AGENT, onExchange = null } = {}) {
      this.endpoint = endpoint;
      this.userAgent = userAgent;
      this.onExchange = onExchange;
      this.exchanges = [];
    }

    async call(operation, params) {
      // JSON.stringify keeps nulls and drops undefined members: the SDK's bodies are made the same
      // way, which is how `"DEVICE_KEY": null` reaches the server on every refresh.
      const body = JSON.stringify(params);
      const headers = {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': TARGET_PREFIX + operation,
        'X-Amz-User-Agent': this.userAgent,
        'Cache-Control': 'no-store',
      };
      const exchange = { operation, requestBody: body, requestHeaders: headers, startedAt: Date.now() };
      this.exchanges.push(exchange);
      this.onExchange && this.onExchange('request', exchange);

      let response;
      try {
        response = await fetch(this.endpoint, { method: 'POST', mode: 'cors', headers, body });
      } catch (e) {
        // A refused preflight or a missing Access-Control-Allow-Origin ends up here, with no
        // details: the browser hides them from the page (the console has them).
        exchange.networkError = String(e);
        exchange.code = 'NetworkError';
        this.onExchange && this.onExchange('response', exchange);
        throw new WireError('NetworkError', String(e), exchange);
      }

      exchange.status = response.status;
      exchange.responseType = response.type; // "cors" for a cross-origin response the page may read
      // Both are readable only when the server lists them in Access-Control-Expose-Headers.
      exchange.errorTypeHeader = response.headers.get('x-amzn-ErrorType');
      exchange.requestId = response.headers.get('x-amzn-RequestId');
      const text = await response.text();
      let data = null;
      try { data = text ? JSON.parse(text) : {}; } catch (e) { data = null; }
      exchange.responseBody = data;

      if (response.ok && data !== null) {
        this.onExchange && this.onExchange('response', exchange);
        return data;
      }
      // Errors as the SDK reads them: the code from __type (or code) after the last '#',
      // the message from message or Message; the header only when the body is not JSON.
      let code;
      if (data && (data.__type || data.code)) code = String(data.__type || data.code).split('#').pop();
      else if (exchange.errorTypeHeader) code = exchange.errorTypeHeader.split(':')[0];
      else code = 'UnknownError';
      exchange.code = code;
      exchange.message = (data && (data.message || data.Message)) || null;
      this.onExchange && this.onExchange('response', exchange);
      throw new WireError(code, exchange.message, exchange);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // A user pool app client, with the SDK's requests and storage

  /** What a browser app gets from CognitoUserPool + CognitoUser: sign-up, SRP sign-in, the
   *  session kept in storage under the SDK's keys, refresh, password change and sign-out, and the
   *  remembered device. One PoolClient is one CognitoUser object for the life of a page load: like
   *  it, it keeps the device key in memory (null after a reload) besides storage, and that memory
   *  decides whether InitiateAuth carries DEVICE_KEY. */
  class PoolClient {
    constructor({ endpoint, userPoolId, clientId, storage = global.localStorage, userContextData = null, analyticsEndpointId = null, onExchange = null }) {
      this.userPoolId = userPoolId;
      // Amplify adds AnalyticsMetadata when the app has a Pinpoint endpoint; Cognito only passes it on.
      this.analyticsEndpointId = analyticsEndpointId;
      this.clientId = clientId;
      this.storage = storage;
      // The SDK adds UserContextData when Cognito's advanced security script is on the page;
      // its EncodedData is opaque to the app, so any string stands in for it.
      this.userContextData = userContextData;
      this.wire = new WireClient(endpoint, { onExchange });
      // The SDK's CognitoUser fields deviceKey, deviceGroupKey and randomPassword.
      this.deviceKey = null;
      this.deviceGroupKey = null;
      this.randomPassword = null;
    }

    keyPrefix() {
      return `CognitoIdentityServiceProvider.${this.clientId}`;
    }

    contextData() {
      return this.userContextData ? { EncodedData: this.userContextData } : undefined;
    }

    analytics() {
      return this.analyticsEndpointId ? { AnalyticsEndpointId: this.analyticsEndpointId } : undefined;
    }

    // SignUp as CognitoUserPool.signUp(username, password, attributes, validationData, cb,
    // clientMetadata) sends it. Apps commonly pass null for validationData (the SDK's README
    // does), and the SDK forwards that null as is.
    signUp(username, password, attributes, validationData = null, clientMetadata = undefined) {
      return this.wire.call('SignUp', {
        ClientId: this.clientId,
        Username: username,
        Password: password,
        UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
        ValidationData: validationData,
        ClientMetadata: clientMetadata,
        UserContextData: this.contextData(),
        AnalyticsMetadata: this.analytics(),
      });
    }

    // CognitoUser.confirmRegistration(code, forceAliasCreation, cb, clientMetadata).
    confirmSignUp(username, code, forceAliasCreation = true, clientMetadata = undefined) {
      return this.wire.call('ConfirmSignUp', {
        ClientId: this.clientId,
        ConfirmationCode: code,
        Username: username,
        ForceAliasCreation: forceAliasCreation,
        ClientMetadata: clientMetadata,
        UserContextData: this.contextData(),
        AnalyticsMetadata: this.analytics(),
      });
    }

    /** USER_SRP_AUTH then PASSWORD_VERIFIER, as CognitoUser.authenticateUser does by default.
     *  On tokens the session is cached under USER_ID_FOR_SRP, the name the SDK switches to; when
     *  they come with NewDeviceMetadata the new device is confirmed and remembered (the SDK does
     *  this inside authenticateUser, before it reports success). */
    async signIn(username, password, clientMetadata = {}) {
      const srp = new SrpClient(this.userPoolId);
      const authParameters = { USERNAME: username, SRP_A: srp.srpA };
      // DEVICE_KEY only when this object already holds one (after a refresh, say); after a reload
      // it is not read from storage until the challenge is in. A null is left out here.
      if (this.deviceKey != null) authParameters.DEVICE_KEY = this.deviceKey;
      const challenge = await this.wire.call('InitiateAuth', {
        AuthFlow: 'USER_SRP_AUTH',
        ClientId: this.clientId,
        AuthParameters: authParameters,
        ClientMetadata: clientMetadata,
        UserContextData: this.contextData(),
        AnalyticsMetadata: this.analytics(),
      });
      if (challenge.ChallengeName !== 'PASSWORD_VERIFIER') {
        throw new Error('expected a PASSWORD_VERIFIER challenge, got ' + JSON.stringify(challenge));
      }
      const params = challenge.ChallengeParameters;
      const userId = params.USER_ID_FOR_SRP;
      // Now the device remembered for that name, if any, is read back from storage.
      this.loadCachedDevice(userId);
      const timestamp = cognitoTimestamp();
      const claim = await srp.passwordClaim({
        userId, password, salt: params.SALT, srpB: params.SRP_B, secretBlock: params.SECRET_BLOCK, timestamp,
      });
      const responses = {
        USERNAME: userId,
        PASSWORD_CLAIM_SECRET_BLOCK: params.SECRET_BLOCK,
        TIMESTAMP: timestamp,
        PASSWORD_CLAIM_SIGNATURE: claim.signature,
      };
      if (this.deviceKey != null) responses.DEVICE_KEY = this.deviceKey;
      const request = {
        ChallengeName: 'PASSWORD_VERIFIER',
        ClientId: this.clientId,
        ChallengeResponses: responses,
        Session: challenge.Session, // Cognito sends none here, so this drops out of the JSON
        ClientMetadata: clientMetadata,
        UserContextData: this.contextData(),
        AnalyticsMetadata: this.analytics(),
      };
      let answer;
      let forgottenDevice = null;
      try {
        answer = await this.wire.call('RespondToAuthChallenge', request);
      } catch (e) {
        // A remembered device the pool no longer knows: the SDK forgets it locally and sends the
        // same answer again (same TIMESTAMP and signature) with "DEVICE_KEY": null.
        if (!(e instanceof WireError && e.code === 'ResourceNotFoundException' &&
              String(e.message).toLowerCase().includes('device'))) throw e;
        forgottenDevice = responses.DEVICE_KEY;
        responses.DEVICE_KEY = null;
        this.forgetDeviceLocally(userId);
        answer = await this.wire.call('RespondToAuthChallenge', request);
      }
      let newDevice = null;
      if (answer.AuthenticationResult) {
        this.cacheTokens(userId, answer.AuthenticationResult);
        if (answer.AuthenticationResult.NewDeviceMetadata) {
          newDevice = await this.confirmNewDevice(userId, answer.AuthenticationResult);
        }
      }
      return { challenge, timestamp, answer, newDevice, forgottenDevice };
    }

    /** ConfirmDevice for the device a sign-in just made, then the three device keys in storage.
     *  The DeviceName is the browser's user agent, as the SDK sends it. */
    async confirmNewDevice(userId, tokens) {
      const meta = tokens.NewDeviceMetadata;
      const secret = await deviceSecret(meta.DeviceGroupKey, meta.DeviceKey);
      this.deviceGroupKey = meta.DeviceGroupKey;
      this.randomPassword = secret.randomPassword;
      const result = await this.wire.call('ConfirmDevice', {
        DeviceKey: meta.DeviceKey,
        AccessToken: tokens.AccessToken,
        DeviceSecretVerifierConfig: secret.config,
        DeviceName: global.navigator.userAgent,
      });
      this.deviceKey = meta.DeviceKey;
      this.cacheDevice(userId);
      return { metadata: meta, secret, result, userConfirmationNecessary: result.UserConfirmationNecessary === true };
    }

    deviceStorageKeys(username) {
      const p = `${this.keyPrefix()}.${username}`;
      return { deviceKey: `${p}.deviceKey`, randomPasswordKey: `${p}.randomPasswordKey`, deviceGroupKey: `${p}.deviceGroupKey` };
    }

    cacheDevice(username) {
      const k = this.deviceStorageKeys(username);
      this.storage.setItem(k.deviceKey, this.deviceKey);
      this.storage.setItem(k.randomPasswordKey, this.randomPassword);
      this.storage.setItem(k.deviceGroupKey, this.deviceGroupKey);
    }

    // Only when a device key is stored; otherwise what is in memory stays.
    loadCachedDevice(username) {
      const k = this.deviceStorageKeys(username);
      if (this.storage.getItem(k.deviceKey)) {
        this.deviceKey = this.storage.getItem(k.deviceKey);
        this.randomPassword = this.storage.getItem(k.randomPasswordKey);
        this.deviceGroupKey = this.storage.getItem(k.deviceGroupKey);
      }
    }

    forgetDeviceLocally(username) {
      this.deviceKey = null;
      this.randomPassword = null;
      this.deviceGroupKey = null;
      const k = this.deviceStorageKeys(username);
      for (const key of Object.values(k)) this.storage.removeItem(key);
    }

    /** The device keys in storage for a user (LastAuthUser by default), as stored strings. */
    cachedDevice(username = this.storage.getItem(`${this.keyPrefix()}.LastAuthUser`)) {
      if (!username) return null;
      const k = this.deviceStorageKeys(username);
      const out = {};
      for (const [name, key] of Object.entries(k)) out[name] = this.storage.getItem(key);
      return out;
    }

    /** CognitoUser.getDevice: the device this object holds the key of. */
    getDevice(accessToken) {
      return this.wire.call('GetDevice', { AccessToken: accessToken, DeviceKey: this.deviceKey });
    }

    /** CognitoUser.listDevices(limit, paginationToken): the token only when there is one. */
    listDevices(accessToken, limit, paginationToken = null) {
      const params = { AccessToken: accessToken, Limit: limit };
      if (paginationToken) params.PaginationToken = paginationToken;
      return this.wire.call('ListDevices', params);
    }

    getUser(accessToken) {
      return this.wire.call('GetUser', { AccessToken: accessToken });
    }

    /** The session under the SDK's keys, as CognitoUserPool.getCurrentUser + getSession read it. */
    cachedSession() {
      const prefix = this.keyPrefix();
      const user = this.storage.getItem(`${prefix}.LastAuthUser`);
      if (!user) return null;
      const item = (name) => this.storage.getItem(`${prefix}.${user}.${name}`);
      return {
        username: user,
        idToken: item('idToken'),
        accessToken: item('accessToken'),
        refreshToken: item('refreshToken'),
        clockDrift: item('clockDrift'),
        deviceKey: item('deviceKey'),
      };
    }

    /** CognitoUser.refreshSession: REFRESH_TOKEN_AUTH with DEVICE_KEY read from storage, which is
     *  null when no device was remembered. The SDK sends that null rather than leaving it out. The
     *  key read also becomes this object's device key (so a later sign-in sends it), and a
     *  NotAuthorizedException drops the cached tokens (the device keys stay). */
    async refreshSession(refreshToken, clientMetadata = undefined) {
      const prefix = this.keyPrefix();
      const authParameters = { REFRESH_TOKEN: refreshToken };
      const user = this.storage.getItem(`${prefix}.LastAuthUser`);
      if (user) {
        this.deviceKey = this.storage.getItem(`${prefix}.${user}.deviceKey`);
        authParameters.DEVICE_KEY = this.deviceKey;
      }
      let data;
      try {
        data = await this.wire.call('InitiateAuth', {
          ClientId: this.clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: authParameters,
          ClientMetadata: clientMetadata,
          UserContextData: this.contextData(),
        });
      } catch (e) {
        if (e instanceof WireError && e.code === 'NotAuthorizedException') this.clearCachedTokens();
        throw e;
      }
      const result = Object.assign({}, data.AuthenticationResult);
      // Without rotation Cognito sends no new refresh token; the SDK keeps the one it had.
      if (!Object.prototype.hasOwnProperty.call(result, 'RefreshToken')) result.RefreshToken = refreshToken;
      if (user) this.cacheTokens(user, result);
      return data;
    }

    changePassword(accessToken, previousPassword, proposedPassword) {
      return this.wire.call('ChangePassword', {
        PreviousPassword: previousPassword,
        ProposedPassword: proposedPassword,
        AccessToken: accessToken,
      });
    }

    /** CognitoUser.globalSignOut: revoke every session of the user, then forget the local one. */
    async globalSignOut(accessToken) {
      const data = await this.wire.call('GlobalSignOut', { AccessToken: accessToken });
      this.clearCachedTokens();
      return data;
    }

    cacheTokens(username, result) {
      const prefix = this.keyPrefix();
      // clockDrift as the SDK computes it: local now minus the older of the two tokens' iat.
      const now = Math.floor(Date.now() / 1000);
      const iat = Math.min(jwtPayload(result.AccessToken).iat, jwtPayload(result.IdToken).iat);
      this.storage.setItem(`${prefix}.${username}.idToken`, result.IdToken);
      this.storage.setItem(`${prefix}.${username}.accessToken`, result.AccessToken);
      this.storage.setItem(`${prefix}.${username}.refreshToken`, result.RefreshToken);
      this.storage.setItem(`${prefix}.${username}.clockDrift`, String(now - iat));
      this.storage.setItem(`${prefix}.LastAuthUser`, username);
    }

    clearCachedTokens() {
      const prefix = this.keyPrefix();
      const user = this.storage.getItem(`${prefix}.LastAuthUser`);
      if (!user) return;
      for (const name of ['idToken', 'accessToken', 'refreshToken', 'clockDrift']) {
        this.storage.removeItem(`${prefix}.${user}.${name}`);
      }
      this.storage.removeItem(`${prefix}.LastAuthUser`);
    }
  }

  global.CognitoWire = {
    WireClient,
    WireError,
    PoolClient,
    jwtPayload,
    srp: { N, G, SrpClient, padHex, modPow, kValue, hashHex, hashString, cognitoTimestamp, bytesToHex, deviceSecret },
  };
})(window);
