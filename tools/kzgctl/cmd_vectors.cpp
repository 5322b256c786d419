// kzgctl vectors DIR: the consensus-spec conformance runner.
#include <algorithm>
#include <iostream>

#include "command.hpp"
#include "conformance/vectors.hpp"

namespace kzgctl {

void register_vectors(CLI::App& app, Env& env) {
    auto* c = app.add_subcommand(
        "vectors",
        "run consensus-spec KZG reference tests (<function>/<config>/<case>/data.yaml under DIR); prints each "
        "failing case, a summary per function and, last, 'N passed, M failed'; exit 0 only when none failed");
    struct Opts {
        std::string dir;
        std::vector<std::string> only;
        bool verbose = false;
    };
    auto o = std::make_shared<Opts>();
    c->add_option("DIR", o->dir, "directory of reference tests")->required();
    c->add_option("--function", o->only, "run only this function (repeatable)");
    c->add_flag("-v,--verbose", o->verbose, "print every case, not only failures");
    c->callback([&env, o] {
        env.action = [&env, o] {
            for (const auto& f : o->only) {
                const auto& known = kzg::conformance::known_functions();
                if (std::find(known.begin(), known.end(), f) == known.end()) {
                    std::cerr << "kzgctl: --function " << f << ": not a function this runner knows\n";
                    return kExitInput;
                }
            }
            auto report = kzg::conformance::run_directory(env.ctx(), o->dir, o->only, [&](const auto& r) {
                if (!r.passed)
                    std::cout << "FAIL " << r.function << " " << r.name << ": " << r.detail << "\n";
                else if (o->verbose)
                    std::cout << "ok   " << r.function << " " << r.name << "\n";
            });
            if (!report) {
                std::cerr << "kzgctl: " << report.message() << "\n";
                return kExitInput;
            }
            for (const auto& f : report->unknown_functions)
                std::cout << "unknown function (not run): " << f << "\n";
            for (const auto& s : report->functions)
                std::cout << s.function << ": " << s.passed << " passed, " << s.failed << " failed\n";
            std::cout << report->passed << " passed, " << report->failed << " failed\n";
            if (report->passed + report->failed == 0) {  // a conformance run that ran nothing proves nothing
                std::cerr << "kzgctl: no reference test cases (<function>/<config>/<case>/data.yaml) under " << o->dir
                          << "\n";
                return kExitFalse;
            }
            return report->failed == 0 ? kExitOk : kExitFalse;
        };
    });
}

void register_setup(CLI::App& app, Env& env) {
    auto* c = app.add_subcommand("setup-info",
                                 "load the trusted setup (--setup FILE or the embedded mainnet one), validate "
                                 "every point, and print its sha256 identity");
    c->callback([&env] {
        env.action = [&env] {
            const kzg::Context& ctx = env.ctx();  // may exit: print nothing before
            std::cout << "sha256 " << ctx.setup_sha256_hex() << "\n"
                      << "source " << (env.setup_path.empty() ? "embedded mainnet" : env.setup_path) << "\n";
            return kExitOk;
        };
    });
}

}  // namespace kzgctl
