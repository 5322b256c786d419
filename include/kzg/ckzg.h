/*
 * ckzg.h — kzgd's C API: the public API of c-kzg-4844 2.1.8, implemented by
 * kzgd's engine (libkzg). A program or language binding written for c-kzg
 * compiles against this header and links libkzg instead: same types, same
 * constants, same twelve functions with the same arguments, return codes and
 * output bytes. README.md ("Use from C and from c-kzg bindings") lists the few
 * places where kzgd follows the consensus spec or refuses input where c-kzg
 * would crash; each is pinned by a test.
 *
 * Thread safety (as c-kzg): a KZGSettings is written only by the load and free
 * calls; once loaded, any number of threads may pass it to the other calls at
 * once.
 *
 * Memory: the caller allocates KZGSettings (on the stack, in a struct, with
 * malloc); load_* fills it with a handle to kzgd's engine and
 * free_trusted_setup releases it. Its size equals c-kzg's, so code compiled
 * against c-kzg's own header allocates enough.
 *
 * Every call checks its pointers: a NULL argument that c-kzg would dereference
 * is C_KZG_BADARGS here, never a crash. Outputs are written only on C_KZG_OK,
 * except that, as in c-kzg, verify_kzg_proof, verify_blob_kzg_proof,
 * verify_cell_kzg_proof_batch and verify_blob_kzg_proof_batch of one blob
 * set *ok = false before they check their input.
 */
#ifndef KZG_CKZG_H
#define KZG_CKZG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h> /* FILE */

#ifdef __cplusplus
extern "C" {
#endif

/* ---- sizes (EIP-4844, EIP-7594) ------------------------------------------ */
#define BYTES_PER_COMMITMENT 48
#define BYTES_PER_PROOF 48
#define BYTES_PER_FIELD_ELEMENT 32
#define BITS_PER_FIELD_ELEMENT 255
#define FIELD_ELEMENTS_PER_BLOB 4096
#define BYTES_PER_BLOB (FIELD_ELEMENTS_PER_BLOB * BYTES_PER_FIELD_ELEMENT)
#define LOG_EXPANSION_FACTOR 1
#define FIELD_ELEMENTS_PER_EXT_BLOB (FIELD_ELEMENTS_PER_BLOB << LOG_EXPANSION_FACTOR)
#define FIELD_ELEMENTS_PER_CELL 64
#define BYTES_PER_CELL (FIELD_ELEMENTS_PER_CELL * BYTES_PER_FIELD_ELEMENT)
#define CELLS_PER_BLOB (FIELD_ELEMENTS_PER_BLOB / FIELD_ELEMENTS_PER_CELL)
#define CELLS_PER_EXT_BLOB (FIELD_ELEMENTS_PER_EXT_BLOB / FIELD_ELEMENTS_PER_CELL)

/* ---- types ----------------------------------------------------------------- */
typedef struct { uint8_t bytes[32]; } Bytes32;
typedef struct { uint8_t bytes[48]; } Bytes48;
typedef struct { uint8_t bytes[BYTES_PER_BLOB]; } Blob;
typedef struct { uint8_t bytes[BYTES_PER_CELL]; } Cell;
typedef Bytes48 KZGCommitment;
typedef Bytes48 KZGProof;

typedef enum {
    C_KZG_OK = 0,  /* success */
    C_KZG_BADARGS, /* the input is invalid: lengths, encodings, indices, setup */
    C_KZG_ERROR,   /* internal error: never caused by input alone */
    C_KZG_MALLOC,  /* out of memory */
} C_KZG_RET;

/* A loaded trusted setup. Opaque: only the load and free calls touch it. All
 * zero bytes means "not loaded" (free_trusted_setup accepts it). */
typedef struct {
    void *kzgd_handle;    /* kzgd's engine context; NULL when not loaded */
    void *reserved[9];    /* keeps sizeof equal to c-kzg 2.1.8's KZGSettings */
} KZGSettings;

/* ---- trusted setup ---------------------------------------------------------- */

/* Loads a setup from compressed points: 4096 G1 monomial, 4096 G1 Lagrange (in
 * the file's order) and 65 G2 monomial points. precompute 0-15 as in c-kzg:
 * 0 builds no table for cell proofs (least memory, slower
 * compute_cells_and_kzg_proofs and recovery); 1-15 build kzgd's FK20 table
 * (24 MiB, whatever the value; c-kzg's grows as 768 KiB x 2^(p-1)). Every point
 * is decompressed and checked (on the curve, in the subgroup, not infinity)
 * and the three lists must share one secret. Errors: C_KZG_BADARGS for a
 * wrong length, a bad point, an inconsistent setup or precompute > 15. */
C_KZG_RET load_trusted_setup(KZGSettings *out,
                             const uint8_t *g1_monomial_bytes, uint64_t num_g1_monomial_bytes,
                             const uint8_t *g1_lagrange_bytes, uint64_t num_g1_lagrange_bytes,
                             const uint8_t *g2_monomial_bytes, uint64_t num_g2_monomial_bytes,
                             uint64_t precompute);

/* Reads c-kzg's text format (4096, 65, then 4096 G1 Lagrange, 65 G2 monomial
 * and 4096 G1 monomial points as hex) from `in`, then as load_trusted_setup. */
C_KZG_RET load_trusted_setup_file(KZGSettings *out, FILE *in, uint64_t precompute);

/* Releases what a load call acquired; NULL and never-loaded settings are fine. */
void free_trusted_setup(KZGSettings *s);

/* ---- EIP-4844 ---------------------------------------------------------------- */
C_KZG_RET blob_to_kzg_commitment(KZGCommitment *out, const Blob *blob, const KZGSettings *s);
C_KZG_RET compute_kzg_proof(KZGProof *proof_out, Bytes32 *y_out, const Blob *blob,
                            const Bytes32 *z_bytes, const KZGSettings *s);
C_KZG_RET compute_blob_kzg_proof(KZGProof *out, const Blob *blob, const Bytes48 *commitment_bytes,
                                 const KZGSettings *s);
C_KZG_RET verify_kzg_proof(bool *ok, const Bytes48 *commitment_bytes, const Bytes32 *z_bytes,
                           const Bytes32 *y_bytes, const Bytes48 *proof_bytes, const KZGSettings *s);
C_KZG_RET verify_blob_kzg_proof(bool *ok, const Blob *blob, const Bytes48 *commitment_bytes,
                                const Bytes48 *proof_bytes, const KZGSettings *s);
/* n blobs, commitments and proofs; n == 0 verifies true. */
C_KZG_RET verify_blob_kzg_proof_batch(bool *ok, const Blob *blobs, const Bytes48 *commitments_bytes,
                                      const Bytes48 *proofs_bytes, uint64_t n, const KZGSettings *s);

/* ---- EIP-7594 (PeerDAS) ------------------------------------------------------ */
/* CELLS_PER_EXT_BLOB cells and proofs; either output may be NULL, not both. */
C_KZG_RET compute_cells_and_kzg_proofs(Cell *cells, KZGProof *proofs, const Blob *blob,
                                       const KZGSettings *s);
/* From 64..128 cells whose indices are strictly ascending and < 128 (the spec's
 * rule; c-kzg 2.1.8 agrees). recovered_proofs may be NULL. */
C_KZG_RET recover_cells_and_kzg_proofs(Cell *recovered_cells, KZGProof *recovered_proofs,
                                       const uint64_t *cell_indices, const Cell *cells,
                                       uint64_t num_cells, const KZGSettings *s);
/* num_cells parallel entries; num_cells == 0 verifies true. */
C_KZG_RET verify_cell_kzg_proof_batch(bool *ok, const Bytes48 *commitments_bytes,
                                      const uint64_t *cell_indices, const Cell *cells,
                                      const Bytes48 *proofs_bytes, uint64_t num_cells,
                                      const KZGSettings *s);

/* ---- kzgd extensions (not in c-kzg) ------------------------------------------ */

/* Loads the mainnet setup embedded in the library: no file needed. */
C_KZG_RET kzgd_load_trusted_setup_mainnet(KZGSettings *out, uint64_t precompute);

/* As the calls above, with num_threads threads per call: 0 or 1 runs every call
 * on its caller's thread alone (c-kzg's behaviour); N > 1 gives the settings a
 * pool of N - 1 workers that split each large call (blob MSMs, FK20, batch
 * verification) with the caller. The pool lives until free_trusted_setup. */
C_KZG_RET kzgd_load_trusted_setup_mainnet_threads(KZGSettings *out, uint64_t precompute,
                                                  uint64_t num_threads);
C_KZG_RET kzgd_load_trusted_setup_file_threads(KZGSettings *out, FILE *in, uint64_t precompute,
                                               uint64_t num_threads);

/* The library's version, e.g. "kzgd 0.1.0 (c-kzg 2.1.8 API)". */
const char *kzgd_version(void);

#ifdef __cplusplus
}
#endif

#endif /* KZG_CKZG_H */
