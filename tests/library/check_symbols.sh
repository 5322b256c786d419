#!/usr/bin/env bash
# libkzg.so's dynamic symbol table holds the C API (ckzg.h) and the C++ API
# (kzg::Context, ThreadPool, codec, version) and nothing else: no blst_*, no
# engine internals. libkzg.a holds the C API too.
#   check_symbols.sh LIBKZG_SO LIBKZG_A
set -euo pipefail
so=$1; archive=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
c_api=(load_trusted_setup load_trusted_setup_file free_trusted_setup blob_to_kzg_commitment compute_kzg_proof
       compute_blob_kzg_proof verify_kzg_proof verify_blob_kzg_proof verify_blob_kzg_proof_batch
       compute_cells_and_kzg_proofs recover_cells_and_kzg_proofs verify_cell_kzg_proof_batch)
extensions=(kzgd_load_trusted_setup_mainnet kzgd_load_trusted_setup_mainnet_threads
            kzgd_load_trusted_setup_file_threads kzgd_version)
exported=$(nm -D --defined-only "$so" | awk '{print $3}' | sed 's/@.*//' | sort -u)
[[ -n $exported ]] || fail "nm found no exported symbols in $so"
for f in "${c_api[@]}" "${extensions[@]}"; do
    grep -qx "$f" <<<"$exported" || fail "$so does not export $f"
done
if grep -q '^blst_' <<<"$exported"; then fail "$so exports blst symbols: $(grep '^blst_' <<<"$exported" | head -3 | tr '\n' ' ')"; fi
allowed_c=$(printf '%s\n' "${c_api[@]}" "${extensions[@]}" KZG_0)
cpp_api='^kzg::(Context::|ThreadPool::|(error_code_name|hex_decode|hex_encode|version|git_commit|blst_version|kzg_commitment_to_versioned_hash)(\[abi:cxx11\])?\()'
unexpected=0
while read -r sym; do
    [[ -z $sym ]] && continue
    grep -qx "$sym" <<<"$allowed_c" && continue
    demangled=$(c++filt "$sym")
    if [[ $demangled =~ $cpp_api ]]; then
        continue
    fi
    echo "unexpected export: $sym ($demangled)" >&2
    unexpected=$((unexpected + 1))
done <<<"$exported"
((unexpected == 0)) || fail "$unexpected symbols exported beyond the C and C++ APIs"
n_cpp=$(grep -c '^_Z' <<<"$exported" || true)
echo "$so: ${#c_api[@]} C API functions, ${#extensions[@]} extensions, $n_cpp C++ API symbols; no blst_*, nothing else"
archive_syms=$(nm --defined-only "$archive" 2>/dev/null)
for f in "${c_api[@]}"; do
    grep -q " T $f\$" <<<"$archive_syms" || fail "$archive does not define $f"
done
echo "$archive: defines the C API"
