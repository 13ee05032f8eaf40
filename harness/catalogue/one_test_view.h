// OneTestView: the catalogue text a test child needs for one test, cut
// without a YAML parse.
//
// A test child looks up one test but parsing the whole catalogue with
// yaml-cpp cost it about 25 ms of CPU, a sixth of an average --sim test
// process's. The view keeps the file's text line for line and blanks the
// lines of every entry under the top-level `tests:` list that does not
// mention the test's name, so that every line:column a message names is the
// same as in the file. Entries are found from indentation only (a block
// sequence's items start with "- " at the sequence's indent); when the file
// does not look like that (flow style, document markers, tabs), there is no
// view. The caller parses the view, and falls back to the whole file when
// that fails or does not yield the test (an alias to a blanked anchor, a
// name the text does not spell out): see LoadCatalogueForTest (config.h).
//
// Thread safety: a pure function. Ownership: returns a new string.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace raftlab {

// `text` with the lines of the `tests:` entries that do not contain `name`
// blanked (their newlines kept), or nullopt when the text cannot be cut
// safely or no entry contains `name`.
std::optional<std::string> OneTestView(std::string_view text, std::string_view name);

}  // namespace raftlab
