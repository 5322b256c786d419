// The conformance runner: executes consensus-spec KZG reference tests
// (<function>/<config>/<case>/data.yaml, found anywhere under a directory)
// against a Context. Used by `kzgctl vectors` and by the test suite.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "kzg/kzg.hpp"

namespace kzg::conformance {

struct CaseResult {
    std::string function;
    std::string name;  // <config>/<case>
    std::filesystem::path path;
    bool passed = false;
    std::string detail;  // why it failed
};

struct FunctionSummary {
    std::string function;
    std::size_t passed = 0;
    std::size_t failed = 0;
};

struct Report {
    std::vector<FunctionSummary> functions;      // known functions, sorted by name
    std::vector<std::string> unknown_functions;  // folders this runner does not know
    std::vector<CaseResult> failures;
    std::size_t passed = 0;
    std::size_t failed = 0;
};

// The functions this runner knows (the spec's names).
const std::vector<std::string>& known_functions();

// Runs one case file for `function` (one of known_functions()).
CaseResult run_case(const Context& ctx, const std::string& function, const std::filesystem::path& data_yaml);

// Runs every data.yaml under `dir`. `only` (if non-empty) restricts the
// functions. `on_case` is called after each case (progress, verbose output).
Result<Report> run_directory(const Context& ctx, const std::filesystem::path& dir,
                             const std::vector<std::string>& only = {},
                             const std::function<void(const CaseResult&)>& on_case = {});

}  // namespace kzg::conformance
