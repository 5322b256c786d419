// Tables EIP-7594 derives from the trusted setup (owned by the Context).
#pragma once

#include <blst.h>

#include <optional>
#include <vector>

#include "kzg/kzg.hpp"

namespace kzg::eip7594 {

struct Tables {};

std::optional<Error> build_tables(Tables& t, const std::vector<blst_p1_affine>& g1_monomial);

}  // namespace kzg::eip7594
