// Text as XML 1.0 character data or as a quoted attribute value, which is
// also what HTML5 accepts in an element or a quoted attribute: & < > " '
// become entities (&apos; is one of HTML5's named references too), and
// bytes that are not valid UTF-8, as well as characters outside XML 1.0's
// Char production (control characters other than tab, LF and CR; U+FFFE,
// U+FFFF), become U+FFFD. So any input gives well-formed output.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace medallion::util {

// `text` escaped as described above.
std::string xml_escape(std::string_view text);

// The characters of `text` that XML can hold, one UTF-8 code point per
// element, with each invalid byte or forbidden character as one U+FFFD.
// For cutting text by characters before escaping it. The elements are
// slices of *storage, which this overwrites; they stay valid while
// *storage lives and is not modified.
std::vector<std::string_view> xml_chars(std::string_view text, std::string* storage);

// Appends one element of xml_chars' result to `out`, escaped.
// xml_escape(t) is the concatenation of this over xml_chars(t).
void append_xml_escaped_char(std::string& out, std::string_view ch);

}  // namespace medallion::util
