#pragma once
// The commands of `usegate`, one file each. Each takes the words after its name and returns
// the process exit code; usage errors are thrown as UsageError (exit 2).

#include <string_view>
#include <vector>

namespace usegate::cli {

using Words = std::vector<std::string_view>;

int run_build(const Words& words);
int run_check(const Words& words);
int run_diff(const Words& words);
int run_eval(const Words& words);
int run_explain(const Words& words);
int run_test(const Words& words);
int run_filter(const Words& words);
int run_fmt(const Words& words);
int run_keygen(const Words& words);
int run_sim(const Words& words);
int run_table(const Words& words);

}  // namespace usegate::cli
