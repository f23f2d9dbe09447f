#ifndef COGNATE_CCURL_SHIM_H
#define COGNATE_CCURL_SHIM_H
// The few libcurl declarations Cognate uses, copied from curl.h (7.x/8.x, whose ABI is
// stable): a fresh machine has the libcurl4 runtime but not its development headers, and the
// README's `swift run` must build there.
#include <stddef.h>

typedef void CURL;

typedef enum {
    CURLE_OK = 0,
    CURLE_FAILED_INIT = 2,
    CURLE_COULDNT_RESOLVE_PROXY = 5,
    CURLE_COULDNT_RESOLVE_HOST = 6,
    CURLE_COULDNT_CONNECT = 7,
    CURLE_OPERATION_TIMEDOUT = 28,
    CURL_LAST = 100
} CURLcode;

typedef enum {
    CURLOPT_WRITEDATA = 10001,
    CURLOPT_URL = 10002,
    CURLOPT_READDATA = 10009,
    CURLOPT_ERRORBUFFER = 10010,
    CURLOPT_INFILESIZE = 14,
    CURLOPT_HTTPHEADER = 10023,
    CURLOPT_UPLOAD = 46,
    CURLOPT_POST = 47,
    CURLOPT_POSTFIELDSIZE = 60,
    CURLOPT_CAINFO = 10065,
    CURLOPT_NOSIGNAL = 99,
    CURLOPT_USE_SSL = 119,
    CURLOPT_TIMEOUT_MS = 155,
    CURLOPT_CONNECTTIMEOUT_MS = 156,
    CURLOPT_USERNAME = 10173,
    CURLOPT_PASSWORD = 10174,
    CURLOPT_MAIL_FROM = 10186,
    CURLOPT_MAIL_RCPT = 10187,
    CURLOPT_PROTOCOLS_STR = 10318,
    CURLOPT_WRITEFUNCTION = 20011,
    CURLOPT_READFUNCTION = 20012
} CURLoption;

typedef enum {
    CURLINFO_RESPONSE_CODE = 0x200002
} CURLINFO;

typedef enum {
    CURLUSESSL_NONE = 0,
    CURLUSESSL_TRY = 1,
    CURLUSESSL_CONTROL = 2,
    CURLUSESSL_ALL = 3
} curl_usessl;

#define CURL_ERROR_SIZE 256
#define CURL_GLOBAL_DEFAULT 3

struct curl_slist {
    char *data;
    struct curl_slist *next;
};

typedef size_t (*curl_read_callback)(char *buffer, size_t size, size_t nitems, void *instream);
typedef size_t (*curl_write_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);

CURLcode curl_global_init(long flags);
CURL *curl_easy_init(void);
void curl_easy_cleanup(CURL *curl);
CURLcode curl_easy_perform(CURL *curl);
const char *curl_easy_strerror(CURLcode code);
CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...);
CURLcode curl_easy_getinfo(CURL *curl, CURLINFO info, ...);
struct curl_slist *curl_slist_append(struct curl_slist *list, const char *data);
void curl_slist_free_all(struct curl_slist *list);

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: one typed
// wrapper per kind of argument.
static inline CURLcode cognate_curl_set_long(CURL *c, CURLoption o, long v) { return curl_easy_setopt(c, o, v); }
static inline CURLcode cognate_curl_set_string(CURL *c, CURLoption o, const char *v) { return curl_easy_setopt(c, o, v); }
static inline CURLcode cognate_curl_set_pointer(CURL *c, CURLoption o, void *v) { return curl_easy_setopt(c, o, v); }
static inline CURLcode cognate_curl_set_list(CURL *c, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(c, o, v); }
static inline CURLcode cognate_curl_set_read(CURL *c, curl_read_callback f) { return curl_easy_setopt(c, CURLOPT_READFUNCTION, f); }
static inline CURLcode cognate_curl_set_write(CURL *c, curl_write_callback f) { return curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, f); }
static inline long cognate_curl_response_code(CURL *c) { long v = 0; curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &v); return v; }
#endif
