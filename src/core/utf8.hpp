#pragma once
// Bytes that are about to become a JSON string must be UTF-8: an API answer or a stored
// result holding anything else is not JSON. Input echoed in an error, a line of a bulk
// upload, or scan data read off the network may be any bytes.
#include <string>
#include <string_view>

namespace domainscan {

bool is_valid_utf8(std::string_view text);

// The text with every byte that does not start a well-formed UTF-8 sequence (RFC 3629: no
// overlong forms, no surrogates, nothing past U+10FFFF) replaced by U+FFFD, as the WHATWG
// decoder does.
std::string valid_utf8(std::string_view text);

// valid_utf8 of at most max_bytes of the text, cut before a character, with "…" when cut:
// for echoing what a client sent.
std::string utf8_excerpt(std::string_view text, std::size_t max_bytes);

}  // namespace domainscan
