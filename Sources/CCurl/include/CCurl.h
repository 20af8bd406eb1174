#ifndef FAFANG_CCURL_H
#define FAFANG_CCURL_H

// Typed, non-variadic wrappers over libcurl for Swift. Swift cannot call C variadic functions
// (curl_easy_setopt, curl_easy_getinfo, curl_multi_setopt) nor see macro-only values, so each
// call shape gets one function here, prefixed ccurl_. The CURL* handle types and CURLcode /
// CURLMcode enums come from <curl/curl.h> itself.

#include <curl/curl.h>
#include <stddef.h>

/// curl_global_init(CURL_GLOBAL_DEFAULT), at most once per process (thread-safe).
CURLcode ccurl_global_init_once(void);

CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);

typedef size_t (*ccurl_data_callback)(char *data, size_t size, size_t count, void *userdata);
CURLcode ccurl_easy_setopt_write_function(CURL *handle, ccurl_data_callback callback);
CURLcode ccurl_easy_setopt_header_function(CURL *handle, ccurl_data_callback callback);

CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode ccurl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value);
CURLcode ccurl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);

CURLMcode ccurl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

/// The CURLMSG_DONE message's result, and its easy handle; 0 when `message` is not DONE.
int ccurl_multi_message_done(CURLMsg *message, CURL **handle, CURLcode *result);

/// Size of the error buffer CURLOPT_ERRORBUFFER needs.
size_t ccurl_error_size(void);

/// Writing this from the write callback makes libcurl stop the transfer (CURL_WRITEFUNC_ERROR
/// where available, else 0).
size_t ccurl_write_abort(void);

#endif
