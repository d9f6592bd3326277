// Deletion vectors (PROTOCOL.md "Deletion Vectors"): which rows of a data file are deleted.
//
// A descriptor (actions.h DeletionVectorDescriptor) points at the serialized bitmap:
//   'i'  inline: pathOrInlineDv is the Z85 text of the serialized RoaringBitmapArray;
//   'u'  relative: pathOrInlineDv = <random prefix><20 Z85 chars of a 16-byte UUID>; the file is
//        <table root>/<prefix>/deletion_vector_<uuid, canonical 8-4-4-4-12 form>.bin;
//   'p'  absolute: pathOrInlineDv is the file's URI.
// A DV file starts with a format version byte (1); at `offset` a DV is stored as a 4-byte
// big-endian size, the RoaringBitmapArray bytes (`sizeInBytes` of them), and the CRC-32 (zlib
// polynomial) of those bytes, 4 bytes big-endian.
// RoaringBitmapArray ("portable" format): magic 1681511377 (uint32 LE), the number of 32-bit
// bitmaps (uint64 LE), then per bitmap its high 32 bits (uint32 LE) followed by a standard
// portable Roaring bitmap (cookie 12346 / 12347 with run containers; array, bitmap and run
// containers). Row index = high << 32 | low.
//
// Input is untrusted: every count is checked against the bytes present and the descriptor's
// cardinality; any mismatch is Corruption naming the DV file ("deletion vector
// t/deletion_vector_<uuid>.bin at offset 1: CRC mismatch").
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "table/actions.h"

namespace tide::table {

// Z85 (ZeroMQ RFC 32) as Delta uses it. Decode: the text length must be a multiple of 5
// (Corruption otherwise, or on a character outside the alphabet). Encode pads the input with
// zero bytes to a multiple of 4.
base::Result<std::string> Z85Decode(std::string_view text);
std::string Z85Encode(std::string_view bytes);

// Sorted, distinct row indexes <-> RoaringBitmapArray bytes. Serialize writes array and bitmap
// containers (no runs) with the cookie 12346; Deserialize reads all three container kinds.
base::Result<std::vector<uint64_t>> DeserializeRoaringBitmapArray(std::string_view bytes);
std::string SerializeRoaringBitmapArray(const std::vector<uint64_t>& sorted_rows);

// The local file holding a 'u' or 'p' DV. InvalidArgument for 'i' or a malformed descriptor.
base::Result<std::string> DeletionVectorFilePath(const std::string& table_root, const DeletionVectorDescriptor& dv);

// Loads the deleted row indexes (sorted, distinct) of `dv`; the count must equal dv.cardinality.
base::Result<std::vector<uint64_t>> LoadDeletionVector(const std::string& table_root,
                                                       const DeletionVectorDescriptor& dv);

// The bytes of a DV file holding one bitmap (version byte, size, bitmap, CRC), with the
// descriptor offset of that bitmap (1). For tests and writers.
std::string EncodeDeletionVectorFile(std::string_view bitmap_bytes);

}  // namespace tide::table
