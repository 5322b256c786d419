#include <fstream>
#include <sstream>

#include "context/context_impl.hpp"
#include "core/parallel.hpp"
#include "core/roots.hpp"
#include "kzg/codec.hpp"

namespace kzg {

namespace detail {

Result<std::unique_ptr<ContextImpl>> make_context_impl(setup::TrustedSetup&& s, const ContextOptions& options) {
    auto impl = std::make_unique<ContextImpl>();
    impl->options = options;
    impl->sha256 = s.sha256;
    impl->g1_lagrange_brp = std::move(s.g1_lagrange);
    core::bit_reversal_permutation(std::span<blst_p1_affine>(impl->g1_lagrange_brp));
    impl->g1_monomial = std::move(s.g1_monomial);
    impl->g2_monomial = std::move(s.g2_monomial);
    blst_p2_affine g2_gen;
    blst_p2_to_affine(&g2_gen, &core::g2_generator());
    impl->g2_gen_lines = std::make_unique<core::G2Prepared>(g2_gen);
    impl->g2_s_lines = std::make_unique<core::G2Prepared>(impl->g2_monomial[1]);
    impl->g2_s64_lines = std::make_unique<core::G2Prepared>(impl->g2_monomial[FIELD_ELEMENTS_PER_CELL]);
    impl->g1_gen_table = std::make_unique<core::G1GeneratorTable>();
    impl->roots_brp = core::compute_roots_of_unity(FIELD_ELEMENTS_PER_BLOB);
    core::bit_reversal_permutation(std::span<core::Fr>(impl->roots_brp));
    auto bad_window = [](int bits) { return bits != 0 && (bits < 2 || bits > 16); };
    if (bad_window(options.precompute))
        return Error{ErrorCode::kInvalidInput, "precompute: " + std::to_string(options.precompute) +
                                                   " is not 0 or a window of 2..16 bits"};
    if (bad_window(options.blob_window_bits))
        return Error{ErrorCode::kInvalidInput, "blob_window_bits: " + std::to_string(options.blob_window_bits) +
                                                   " is not 0 or a window of 2..16 bits"};
    impl->table_threads = options.build_threads ? options.build_threads : core::affinity_cpus();
    impl->tables = std::make_unique<setup::TableStore>(options.table_cache_dir, impl->sha256);
    if (!options.lazy_tables) impl->blob_table();
    if (auto err = eip7594::build_tables(impl->eip7594, impl->g1_monomial, options, impl->table_threads, *impl->tables))
        return *err;
    return impl;
}

blst_p1 ContextImpl::lagrange_lincomb(std::span<const core::Fr> scalars) const {
    const core::FixedBaseMsm* t = blob_table();
    const std::size_t pieces = std::min<std::size_t>(parallelism(), 8);
    std::vector<blst_p1> partial(pieces, core::g1_identity());
    parallel(pieces, [&](std::size_t p0, std::size_t p1) {
        for (std::size_t p = p0; p < p1; p++) {
            const std::size_t b = scalars.size() * p / pieces, e = scalars.size() * (p + 1) / pieces;
            partial[p] = t ? t->msm_range(scalars, b, e)
                           : core::g1_lincomb_affine(std::span(g1_lagrange_brp).subspan(b, e - b), scalars.subspan(b, e - b));
        }
    });
    blst_p1 sum = partial[0];
    for (std::size_t p = 1; p < pieces; p++) sum = core::g1_add(sum, partial[p]);
    return sum;
}

}  // namespace detail

Context::Context(std::unique_ptr<detail::ContextImpl> impl) : impl_(std::move(impl)) {}
Context::~Context() = default;

Result<std::shared_ptr<const Context>> Context::build(std::unique_ptr<detail::ContextImpl> impl) {
    try {
        return std::shared_ptr<const Context>(new Context(std::move(impl)));
    } catch (const std::bad_alloc&) {
        return Error{ErrorCode::kInternal, "out of memory while building the context"};
    }
}

namespace {

Result<std::unique_ptr<detail::ContextImpl>> impl_from(Result<setup::TrustedSetup> s, const ContextOptions& options) {
    if (!s) return s.error();
    try {
        return detail::make_context_impl(std::move(s).value(), options);
    } catch (const std::bad_alloc&) {
        return Error{ErrorCode::kInternal, "out of memory while building the context"};
    }
}

}  // namespace

Result<std::shared_ptr<const Context>> Context::mainnet(const ContextOptions& options) {
    auto impl = impl_from(setup::deserialize_binary(setup::embedded_mainnet_binary()), options);
    if (!impl) return impl.error();
    return build(std::move(impl).value());
}

Result<std::shared_ptr<const Context>> Context::from_text(std::string_view text, const ContextOptions& options) {
    auto impl = impl_from(setup::parse_text_setup(text), options);
    if (!impl) return impl.error();
    return build(std::move(impl).value());
}

Result<std::shared_ptr<const Context>> Context::from_json(std::string_view json, const ContextOptions& options) {
    auto impl = impl_from(setup::parse_json_setup(json), options);
    if (!impl) return impl.error();
    return build(std::move(impl).value());
}

namespace {

// Splits concatenated compressed points of N bytes each; names each by index.
template <std::size_t N>
std::optional<Error> split_points(std::span<const std::uint8_t> bytes, std::size_t count, const char* field,
                                  std::vector<std::array<std::uint8_t, N>>& out) {
    if (bytes.size() != count * N)
        return Error{ErrorCode::kInvalidSetup, std::string(field) + ": expected " + std::to_string(count * N) +
                                                   " bytes (" + std::to_string(count) + " points), got " +
                                                   std::to_string(bytes.size())};
    out.resize(count);
    for (std::size_t i = 0; i < count; i++) std::copy_n(bytes.data() + i * N, N, out[i].begin());
    return std::nullopt;
}

}  // namespace

Result<std::shared_ptr<const Context>> Context::from_compressed(std::span<const std::uint8_t> g1_monomial,
                                                                std::span<const std::uint8_t> g1_lagrange,
                                                                std::span<const std::uint8_t> g2_monomial,
                                                                const ContextOptions& options) {
    setup::CompressedSetup c;
    try {
        if (auto e = split_points(g1_monomial, setup::NUM_G1_POINTS, "g1_monomial", c.g1_monomial)) return *e;
        if (auto e = split_points(g1_lagrange, setup::NUM_G1_POINTS, "g1_lagrange", c.g1_lagrange)) return *e;
        if (auto e = split_points(g2_monomial, setup::NUM_G2_POINTS, "g2_monomial", c.g2_monomial)) return *e;
    } catch (const std::bad_alloc&) {
        return Error{ErrorCode::kInternal, "out of memory while building the context"};
    }
    auto impl = impl_from(setup::validate_setup(c), options);
    if (!impl) return impl.error();
    return build(std::move(impl).value());
}

Result<std::shared_ptr<const Context>> Context::from_file(const std::string& path, const ContextOptions& options) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{ErrorCode::kIo, path + ": cannot open"};
    std::stringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return Error{ErrorCode::kIo, path + ": read error"};
    const std::string text = ss.str();
    const auto first = text.find_first_not_of(" \t\r\n");
    auto ctx = (first != std::string::npos && text[first] == '{') ? from_json(text, options) : from_text(text, options);
    if (!ctx) return Error{ctx.code(), path + ": " + ctx.message()};
    return ctx;
}

const std::array<std::uint8_t, 32>& Context::setup_sha256() const { return impl_->sha256; }
const ContextOptions& Context::options() const { return impl_->options; }
std::vector<TableInfo> Context::tables() const { return impl_->tables->report(); }
std::string Context::setup_sha256_hex() const { return hex_encode(std::span<const std::uint8_t>(impl_->sha256), false); }

}  // namespace kzg
