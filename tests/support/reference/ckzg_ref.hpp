// The reference C implementation (c-kzg 4.1.0, target ckzg_ref) for the
// differential tests, the differential fuzzer and kzg_compare. Its headers
// define size macros that would rewrite kzg::BYTES_PER_BLOB and friends:
// include this file instead of ckzg.h, after kzg/kzg.hpp or before it.
#pragma once

extern "C" {
#include "ckzg.h"
}

#undef BYTES_PER_COMMITMENT
#undef BYTES_PER_PROOF
#undef BYTES_PER_FIELD_ELEMENT
#undef BITS_PER_FIELD_ELEMENT
#undef FIELD_ELEMENTS_PER_BLOB
#undef BYTES_PER_BLOB
#undef FIELD_ELEMENTS_PER_CELL
#undef BYTES_PER_CELL
#undef LOG_EXPANSION_FACTOR
#undef FIELD_ELEMENTS_PER_EXT_BLOB
#undef CELLS_PER_BLOB
#undef CELLS_PER_EXT_BLOB
