/// The built-in templates of the hosted pages (Mustache, HTML-escaping by default). A
/// deployment can replace them with its own folder (`--ui-templates`), which must then hold
/// every template the pages need: a missing one stops the server at start-up.
enum DefaultTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "signup": signup, "confirm": confirm, "forgot-password": forgotPassword,
        "reset-password": resetPassword, "new-password": newPassword, "message": message, "error": error,
        "mfa-code": mfaCode, "mfa-select": mfaSelect, "mfa-setup": mfaSetup,
    ]

    static let layout = """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    <title>{{$title}}{{/title}} · {{brand.poolName}}</title>
    <style>{{{brand.baseCSS}}}</style>
    {{#brand.customCSS}}<style>{{{brand.customCSS}}}</style>{{/brand.customCSS}}
    </head>
    <body>
    <main class="modal-content-customizable">
    <header class="banner-customizable">
    {{#brand.logoURL}}<img class="logo-customizable" src="{{brand.logoURL}}" alt="">{{/brand.logoURL}}
    <p class="pool-name">{{brand.poolName}}</p>
    </header>
    {{$body}}{{/body}}
    </main>
    </body>
    </html>
    """

    static let alerts = """
    {{#error}}<div class="alert errorMessage-customizable" role="alert" id="form-error">{{error}}</div>{{/error}}
    {{#notice}}<div class="alert notice" role="status">{{notice}}</div>{{/notice}}
    """

    static let login = """
    {{<layout}}
    {{$title}}Sign in{{/title}}
    {{$body}}
    <h1>Sign in</h1>
    \(alerts)
    <form method="post" action="{{action}}" novalidate>
    <input type="hidden" name="_csrf" value="{{csrf}}">
    <div class="field">
    <label for="username">{{usernameLabel}}</label>
    <input class="inputField-customizable" id="username" name="username" type="{{usernameType}}" value="{{username}}" autocomplete="username" autocapitalize="none" spellcheck="false" required{{^hasUsername}} autofocus{{/hasUsername}}{{#error}} aria-describedby="form-error"{{/error}}>
    </div>
    <div class="field">
    <label for="password">Password</label>
    <input class="inputField-customizable" id="password" name="password" type="password" autocomplete="current-password" required{{#hasUsername}} autofocus{{/hasUsername}}>
    </div>
    <button type="submit" name="signInSubmitButton" class="submitButton-customizable">Sign in</button>
    </form>
    <nav class="links" aria-label="Account">
    <p><a href="{{forgotURL}}">Forgot your password?</a></p>
    {{#signupURL}}<p>Need an account? <a href="{{signupURL}}">Sign up</a></p>{{/signupURL}}
    </nav>
    {{/body}}
    {{/layout}}
    """

    static let fields = """
    {{#fields}}
    <div class="field">
    <label for="{{id}}">{{label}}{{^required}} <span class="optional">(optional)</span>{{/required}}</label>
    <input class="inputField-customizable" id="{{id}}" name="{{name}}" type="{{type}}" value="{{value}}"{{#autocomplete}} autocomplete="{{autocomplete}}"{{/autocomplete}}{{#required}} required{{/required}}{{#hint}} aria-describedby="{{id}}-hint"{{/hint}}>
    {{#hint}}<span class="hint" id="{{id}}-hint">{{hint}}</span>{{/hint}}
    </div>
    {{/fields}}
    """

    static let signup = """
    {{<layout}}
    {{$title}}Sign up{{/title}}
    {{$body}}
    <h1>Create an account</h1>
    \(alerts)
    <form method="post" action="{{action}}" novalidate>
    <input type="hidden" name="_csrf" value="{{csrf}}">
    \(fields)
    <button type="submit" name="signUpButton" class="submitButton-customizable">Sign up</button>
    </form>
    <nav class="links" aria-label="Account">
    <p>Already have an account? <a href="{{loginURL}}">Sign in</a></p>
    </nav>
    {{/body}}
    {{/layout}}
    """

    static let confirm = """
    {{<layout}}
    {{$title}}Confirm your account{{/title}}
    {{$body}}
    <h1>Confirm your account</h1>
    \(alerts)
    {{#destination}}<p>We sent a code to <strong>{{destination}}</strong>. Enter it below to confirm your account.</p>{{/destination}}
    {{^destination}}<p>Enter the code we sent you to confirm your account.</p>{{/destination}}
    <form method="post" action="{{action}}" novalidate>
    <input type="hidden" name="_csrf" value="{{csrf}}">
    <input type="hidden" name="username" value="{{username}}">
    {{#ticket}}<input type="hidden" name="ticket" value="{{ticket}}">{{/ticket}}
    <div class="field">
    <label for="code">Verification code</label>
    <input class="inputField-customizable code" id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required autofocus{{#error}} aria-describedby="form-error"{{/error}}>
    </div>
    <button type="submit" name="confirm" value="1" class="submitButton-customizable">Confirm account</button>
    <button type="submit" name="resend" value="1" class="secondary" formnovalidate>Send a new code</button>
    </form>
    <nav class="links" aria-label="Account">
    <p><a href="{{loginURL}}">Back to sign in</a></p>
    </nav>
    {{/body}}
    {{/layout}}
    """

    static let forgotPassword = """
    {{<layout}}
    {{$title}}Forgot your password?{{/title}}
    {{$body}}
    <h1>Forgot your password?</h1>
    \(alerts)
    <p>Enter your {{usernameLabelLower}} and we will send you a code to reset your password.</p>
    <form method="post" action="{{action}}" novalidate>
    <input type="hidden" name="_csrf" value="{{csrf}}">
    <div class="field">
    <label for="username">{{usernameLabel}}</label>
    <input class="inputField-customizable" id="username" name="username" type="{{usernameType}}" value="{{username}}" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus>
    </div>
    <button type="submit" name="reset_my_password" class="submitButton-customizable">Send code</button>
    </form>
    <nav class="links" aria-label="Account">
    <p><a href="{{loginURL}}">Back to sign in</a></p>
    </nav>
    {{/body}}
    {{/layout}}
    """

    static let resetPassword = """
    {{<layout}}
    {{$title}}Reset your password{{/title}}
    {{$body}}
    <h1>Reset your password</h1>
    \(alerts)
    {{#destination}}<p>We sent a code to <strong>{{destination}}</strong>.</p>{{/destination}}
    <form method="post" action="{{action}}" novalidate>
    <input type="hidden" name="_csrf" value="{{csrf}}">
    <input type="hidden" name="username" value="{{username}}">
    <div class="field">
    <label for="code">Code</label>
    <input class="inputField-customizable code" id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required autofocus>
    </div>
    <div class="field">
    <label for="password">New password</label>
    <input class="inputField-customizable" id="password" name="password" type="password" autocomplete="new-password" required aria-describedby="password-hint">
    <span class="hint" id="password-hint">{{passwordHint}}</span>
    </div>
    <button type="submit" name="reset" class="submitButton-customizable">Change password</button>
    </form>
    <nav class="links" aria-label="Account">
    <p><a href="{{loginURL}}">Back to sign in</a></p>
    </nav>
    {{/body}}
    {{/layout}}
    """

    static let mfaCode = """
    {{<layout}}
    {{$title}}{{heading}}{{/title}}
    {{$body}}
    <h1>{{heading}}</h1>
    \(alerts)
    <p id="code-text">{{text}}</p>
    <form method="post" action="{{action}}" novalidate>
    <input type="hidden" name="_csrf" value="{{csrf}}">
    <input type="hidden" name="challenge" value="{{challenge}}">
    <input type="hidden" name="session" value="{{session}}">
    <input type="hidden" name="username" value="{{username}}">
    <div class="field">
    <label for="code">Code</label>
    <input class="inputField-customizable" id="code" name="code" type="text" inputmode="numeric" pattern="[0-9]*" maxlength="{{codeLength}}" autocomplete="one-time-code" required autofocus aria-describedby="code-text{{#error}} form-error{{/error}}">
    </div>
    <button type="submit" name="verify" class="submitButton-customizable">Sign in</button>
    </form>
    <nav class="links" aria-label="Account">
    <p><a href="{{loginURL}}">Back to sign in</a></p>
    </nav>
    {{/body}}
    {{/layout}}
    """

    static let mfaSelect = """
    {{<layout}}
    {{$title}}Choose how to verify{{/title}}
    {{$body}}
    <h1>Choose how to verify it is you</h1>
    \(alerts)
    <form method="post" action="{{action}}" novalidate>
    <input type="hidden" name="_csrf" value="{{csrf}}">
    <input type="hidden" name="challenge" value="SELECT_MFA_TYPE">
    <input type="hidden" name="choices" value="{{choices}}">
    <input type="hidden" name="session" value="{{session}}">
    <input type="hidden" name="username" value="{{username}}">
    <fieldset class="field">
    <legend>Send or ask for a code by</legend>
    {{#options}}
    <p class="choice"><input type="radio" id="mfa-{{value}}" name="answer" value="{{value}}"{{#checked}} checked{{/checked}}> <label for="mfa-{{value}}">{{label}}</label></p>
    {{/options}}
    </fieldset>
    <button type="submit" name="select" class="submitButton-customizable">Continue</button>
    </form>
    <nav class="links" aria-label="Account">
    <p><a href="{{loginURL}}">Back to sign in</a></p>
    </nav>
    {{/body}}
    {{/layout}}
    """

    static let mfaSetup = """
    {{<layout}}
    {{$title}}Set up an authenticator app{{/title}}
    {{$body}}
    <h1>Set up an authenticator app</h1>
    \(alerts)
    <p>This account needs a second step at sign-in. Scan the code with an authenticator app, or enter the key by hand, then type the six-digit code the app shows.</p>
    <figure class="qr">{{{qrSVG}}}<figcaption>Key: <code id="secret">{{secretGroups}}</code></figcaption></figure>
    <p class="hint"><a href="{{uri}}">Open in an authenticator app on this device</a></p>
    <form method="post" action="{{action}}" novalidate>
    <input type="hidden" name="_csrf" value="{{csrf}}">
    <input type="hidden" name="challenge" value="MFA_SETUP">
    <input type="hidden" name="session" value="{{session}}">
    <input type="hidden" name="username" value="{{username}}">
    <input type="hidden" name="secret" value="{{secret}}">
    <div class="field">
    <label for="code">Code from the app</label>
    <input class="inputField-customizable" id="code" name="code" type="text" inputmode="numeric" pattern="[0-9]*" maxlength="6" autocomplete="one-time-code" required autofocus{{#error}} aria-describedby="form-error"{{/error}}>
    </div>
    <button type="submit" name="verify" class="submitButton-customizable">Verify and sign in</button>
    </form>
    <nav class="links" aria-label="Account">
    <p><a href="{{loginURL}}">Back to sign in</a></p>
    </nav>
    {{/body}}
    {{/layout}}
    """

    static let newPassword = """
    {{<layout}}
    {{$title}}Change your password{{/title}}
    {{$body}}
    <h1>Change your password</h1>
    \(alerts)
    <p>Please choose a new password to continue.</p>
    <form method="post" action="{{action}}" novalidate>
    <input type="hidden" name="_csrf" value="{{csrf}}">
    <input type="hidden" name="session" value="{{session}}">
    <input type="hidden" name="username" value="{{username}}">
    <input type="hidden" name="required" value="{{required}}">
    \(fields)
    <button type="submit" name="changePassword" class="submitButton-customizable">Change password</button>
    </form>
    {{/body}}
    {{/layout}}
    """

    static let message = """
    {{<layout}}
    {{$title}}{{heading}}{{/title}}
    {{$body}}
    <h1>{{heading}}</h1>
    <div class="alert notice" role="status">{{text}}</div>
    {{#linkURL}}<p><a class="submitButton-customizable" style="text-align:center;text-decoration:none" href="{{linkURL}}">{{linkText}}</a></p>{{/linkURL}}
    {{/body}}
    {{/layout}}
    """

    static let error = """
    {{<layout}}
    {{$title}}{{heading}}{{/title}}
    {{$body}}
    <h1>{{heading}}</h1>
    <div class="alert errorMessage-customizable" role="alert">{{text}}</div>
    {{#code}}<p class="hint">Error: <code>{{code}}</code></p>{{/code}}
    {{#linkURL}}<p><a href="{{linkURL}}">{{linkText}}</a></p>{{/linkURL}}
    {{/body}}
    {{/layout}}
    """
}
