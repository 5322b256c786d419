/* A C program written against c-kzg's API, built against the *installed*
 * libkzg (pkg-config kzg-ckzg, or find_package(kzg) -> kzg::ckzg, or the static
 * archive). Usage: consumer SETUP_TXT BLOB_HEX_FILE EXPECTED_COMMITMENT_HEX
 * The expected commitment comes from the consensus-spec vectors. */
#include "ckzg.h"
#include "blst.h" /* c-kzg's Node.js binding includes both: they must compile together */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;
#define CHECK(cond)                                                       \
    do {                                                                  \
        if (!(cond)) {                                                    \
            fprintf(stderr, "consumer: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                   \
        }                                                                 \
    } while (0)

static int unhex(const char *text, uint8_t *out, size_t n) {
    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text += 2;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(text + 2 * i, "%2x", &v) != 1) return 0;
        out[i] = (uint8_t)v;
    }
    return text[2 * n] == '\0' || text[2 * n] == '\n';
}

static char *read_text(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) n = 0;
    if (s) s[n] = '\0';
    fclose(f);
    return s;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: consumer SETUP_TXT BLOB_HEX_FILE EXPECTED_COMMITMENT_HEX\n");
        return 2;
    }
    CHECK(sizeof(KZGSettings) == 80); /* c-kzg 2.1.8's size */
    CHECK(sizeof(blst_p1_affine) == 96);

    Blob *blob = calloc(1, sizeof(Blob));
    char *blob_hex = read_text(argv[2]);
    KZGCommitment expected;
    CHECK(blob != NULL && blob_hex != NULL);
    if (!blob || !blob_hex) return 1;
    CHECK(unhex(blob_hex, blob->bytes, BYTES_PER_BLOB));
    CHECK(unhex(argv[3], expected.bytes, BYTES_PER_COMMITMENT));

    KZGSettings from_file, embedded;
    FILE *in = fopen(argv[1], "r");
    CHECK(in != NULL);
    if (!in) return 1;
    CHECK(load_trusted_setup_file(&from_file, in, 0) == C_KZG_OK);
    fclose(in);
    CHECK(kzgd_load_trusted_setup_mainnet_threads(&embedded, 8, 2) == C_KZG_OK);

    KZGCommitment c1, c2;
    CHECK(blob_to_kzg_commitment(&c1, blob, &from_file) == C_KZG_OK);
    CHECK(blob_to_kzg_commitment(&c2, blob, &embedded) == C_KZG_OK);
    CHECK(memcmp(c1.bytes, expected.bytes, BYTES_PER_COMMITMENT) == 0);
    CHECK(memcmp(c2.bytes, expected.bytes, BYTES_PER_COMMITMENT) == 0);

    KZGProof proof;
    bool ok = false;
    CHECK(compute_blob_kzg_proof(&proof, blob, &c1, &from_file) == C_KZG_OK);
    CHECK(verify_blob_kzg_proof(&ok, blob, &c1, &proof, &embedded) == C_KZG_OK && ok);

    Cell *cells = calloc(CELLS_PER_EXT_BLOB, sizeof(Cell));
    KZGProof *proofs = calloc(CELLS_PER_EXT_BLOB, sizeof(KZGProof));
    CHECK(cells && proofs);
    if (!cells || !proofs) return 1;
    CHECK(compute_cells_and_kzg_proofs(cells, proofs, blob, &embedded) == C_KZG_OK);
    Bytes48 commitments[3] = {c1, c1, c1};
    uint64_t indices[3] = {0, 77, 127};
    Cell picked[3] = {cells[0], cells[77], cells[127]};
    Bytes48 picked_proofs[3] = {proofs[0], proofs[77], proofs[127]};
    ok = false;
    CHECK(verify_cell_kzg_proof_batch(&ok, commitments, indices, picked, picked_proofs, 3, &from_file) == C_KZG_OK && ok);
    picked[1].bytes[5] ^= 1;
    CHECK(verify_cell_kzg_proof_batch(&ok, commitments, indices, picked, picked_proofs, 3, &from_file) == C_KZG_OK && !ok);

    /* Bad input: a code, never a crash. */
    CHECK(compute_cells_and_kzg_proofs(NULL, NULL, blob, &embedded) == C_KZG_BADARGS);
    CHECK(blob_to_kzg_commitment(&c1, blob, NULL) == C_KZG_BADARGS);
    KZGSettings bad;
    CHECK(kzgd_load_trusted_setup_mainnet(&bad, 16) == C_KZG_BADARGS);
    free_trusted_setup(&bad);

    free_trusted_setup(&from_file);
    free_trusted_setup(&embedded);
    free(cells);
    free(proofs);
    free(blob);
    free(blob_hex);
    if (failures) return 1;
    printf("consumer (C): ok, %s\n", kzgd_version());
    return 0;
}
