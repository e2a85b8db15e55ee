// "Did you mean" suggestions.
#pragma once

#include <string>
#include <vector>

namespace dlc {

// Edit distance (insertions, deletions, substitutions, adjacent swaps).
size_t editDistance(const std::string &a, const std::string &b);

// The candidate closest to `name`, if it is close enough to be a likely typo;
// otherwise "".
std::string closestName(const std::string &name, const std::vector<std::string> &candidates);

}  // namespace dlc
