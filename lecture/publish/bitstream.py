"""Read what an MP4 file and its H.264 stream say about themselves.

PyAV demuxes; this module reads the bytes PyAV hands over: the MP4's top-level
boxes (is `moov` before `mdat`?), the sequence parameter set inside `avcC`
(profile, progressive-only, the VUI's colour description) and the NAL units of
each access unit: the first slice header (IDR or not, and its I/P/B type),
filler data, and the settings message x264 writes into the stream. Reading
slice headers gives the same picture types a decoder reports, without decoding
an hour of 1080p60 to learn them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class BitstreamError(ValueError):
    """The bytes are not the MP4 or H.264 structure they claim to be."""


# --- MP4 boxes ----------------------------------------------------------------


def top_level_boxes(path: Path) -> list[tuple[str, int, int]]:
    """The MP4's top-level boxes in file order, as (type, offset, size)."""
    boxes = []
    with open(path, "rb") as f:
        f.seek(0, 2)
        end = f.tell()
        offset = 0
        while offset < end:
            f.seek(offset)
            header = f.read(8)
            if len(header) < 8:
                raise BitstreamError(f"truncated box header at byte {offset}")
            size = int.from_bytes(header[:4], "big")
            kind = header[4:].decode("latin-1")
            if size == 1:  # 64-bit size follows the type
                large = f.read(8)
                if len(large) < 8:
                    raise BitstreamError(f"truncated box header at byte {offset}")
                size = int.from_bytes(large, "big")
            elif size == 0:  # the box runs to the end of the file
                size = end - offset
            if size < 8 or offset + size > end:
                raise BitstreamError(f"box {kind!r} at byte {offset} has impossible size {size}")
            boxes.append((kind, offset, size))
            offset += size
    return boxes


# --- H.264 bit reading --------------------------------------------------------


def unescape_rbsp(nal: bytes) -> bytes:
    """Drop the emulation-prevention bytes (00 00 03 -> 00 00) from a NAL unit."""
    if b"\x00\x00\x03" not in nal:
        return nal
    out = bytearray()
    zeros = 0
    for byte in nal:
        if zeros >= 2 and byte == 3:
            zeros = 0
            continue
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


class BitReader:
    """Big-endian bit reader with the Exp-Golomb codes H.264 uses."""

    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def u(self, n: int) -> int:
        value = 0
        for _ in range(n):
            byte = self.pos >> 3
            if byte >= len(self.data):
                raise BitstreamError("ran off the end of a NAL unit")
            value = (value << 1) | ((self.data[byte] >> (7 - (self.pos & 7))) & 1)
            self.pos += 1
        return value

    def ue(self) -> int:
        zeros = 0
        while self.u(1) == 0:
            zeros += 1
            if zeros > 31:
                raise BitstreamError("Exp-Golomb code longer than 32 bits")
        return (1 << zeros) - 1 + self.u(zeros)

    def se(self) -> int:
        k = self.ue()
        return (k + 1) // 2 if k & 1 else -(k // 2)


# --- sequence parameter set ----------------------------------------------------

PROFILE_NAMES = {66: "Baseline", 77: "Main", 88: "Extended", 100: "High", 110: "High 10",
                 122: "High 4:2:2", 244: "High 4:4:4 Predictive", 44: "CAVLC 4:4:4"}
_HIGH_PROFILES = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135}


@dataclass(frozen=True)
class Sps:
    profile_idc: int
    level_idc: int
    chroma_format_idc: int
    bit_depth_luma: int
    frame_mbs_only: bool  # True: every picture is a progressive frame
    # VUI colour description (None when the VUI does not carry one)
    colour_primaries: int | None
    transfer_characteristics: int | None
    matrix_coefficients: int | None
    full_range: bool | None

    @property
    def profile(self) -> str:
        return PROFILE_NAMES.get(self.profile_idc, f"profile_idc {self.profile_idc}")


def _skip_scaling_list(r: BitReader, size: int) -> None:
    last = next_ = 8
    for _ in range(size):
        if next_ != 0:
            next_ = (last + r.se() + 256) % 256
        last = next_ or last


def parse_sps(nal: bytes) -> Sps:
    """Parse an SPS NAL unit (header byte included) up to the VUI colour fields."""
    if not nal or nal[0] & 0x1F != 7:
        raise BitstreamError("not a sequence parameter set")
    r = BitReader(unescape_rbsp(nal[1:]))
    profile_idc = r.u(8)
    r.u(8)  # constraint flags
    level_idc = r.u(8)
    r.ue()  # seq_parameter_set_id
    chroma_format_idc, bit_depth_luma = 1, 8
    if profile_idc in _HIGH_PROFILES:
        chroma_format_idc = r.ue()
        if chroma_format_idc == 3:
            r.u(1)  # separate_colour_plane_flag
        bit_depth_luma = r.ue() + 8
        r.ue()  # bit_depth_chroma_minus8
        r.u(1)  # qpprime_y_zero_transform_bypass_flag
        if r.u(1):  # seq_scaling_matrix_present_flag
            for i in range(8 if chroma_format_idc != 3 else 12):
                if r.u(1):
                    _skip_scaling_list(r, 16 if i < 6 else 64)
    r.ue()  # log2_max_frame_num_minus4
    poc_type = r.ue()
    if poc_type == 0:
        r.ue()
    elif poc_type == 1:
        r.u(1)
        r.se()
        r.se()
        for _ in range(r.ue()):
            r.se()
    r.ue()  # max_num_ref_frames
    r.u(1)  # gaps_in_frame_num_value_allowed_flag
    r.ue()  # pic_width_in_mbs_minus1
    r.ue()  # pic_height_in_map_units_minus1
    frame_mbs_only = bool(r.u(1))
    if not frame_mbs_only:
        r.u(1)  # mb_adaptive_frame_field_flag
    r.u(1)  # direct_8x8_inference_flag
    if r.u(1):  # frame_cropping_flag
        for _ in range(4):
            r.ue()
    primaries = transfer = matrix = full_range = None
    if r.u(1):  # vui_parameters_present_flag
        if r.u(1):  # aspect_ratio_info_present_flag
            if r.u(8) == 255:
                r.u(16)
                r.u(16)
        if r.u(1):  # overscan_info_present_flag
            r.u(1)
        if r.u(1):  # video_signal_type_present_flag
            r.u(3)  # video_format
            full_range = bool(r.u(1))
            if r.u(1):  # colour_description_present_flag
                primaries, transfer, matrix = r.u(8), r.u(8), r.u(8)
    return Sps(profile_idc, level_idc, chroma_format_idc, bit_depth_luma, frame_mbs_only,
               primaries, transfer, matrix, full_range)


def parse_avcc(extradata: bytes) -> tuple[int, list[bytes]]:
    """The NAL length size and the SPS NAL units of an `avcC` record."""
    if len(extradata) < 7 or extradata[0] != 1:
        raise BitstreamError("the H.264 stream has no avcC record (not MP4-style H.264)")
    length_size = (extradata[4] & 3) + 1
    count = extradata[5] & 0x1F
    pos, sps = 6, []
    for _ in range(count):
        n = int.from_bytes(extradata[pos:pos + 2], "big")
        sps.append(extradata[pos + 2:pos + 2 + n])
        pos += 2 + n
    if not sps:
        raise BitstreamError("the avcC record carries no SPS")
    return length_size, sps


# --- access units --------------------------------------------------------------

SLICE_TYPES = "PBIpi"  # slice_type % 5: P, B, I, SP, SI


def nal_units(data: bytes, length_size: int):
    """Split a length-prefixed (MP4-style) access unit into NAL units."""
    pos = 0
    while pos + length_size <= len(data):
        n = int.from_bytes(data[pos:pos + length_size], "big")
        pos += length_size
        if n == 0 or pos + n > len(data):
            raise BitstreamError("NAL unit length runs past the packet")
        yield data[pos:pos + n]
        pos += n


NAL_SLICE, NAL_IDR, NAL_SEI, NAL_FILLER = 1, 5, 6, 12
SEI_USER_DATA_UNREGISTERED = 5
# x264 identifies the settings message it writes at the start of every encode by this UUID.
X264_UUID = bytes.fromhex("dc45e9bde6d948b7962cd820d923eeef")


@dataclass(frozen=True)
class AccessUnit:
    slice_type: str  # of the first slice: P, B, I, p (SP) or i (SI)
    idr: bool
    filler_bytes: int  # in filler-data NAL units
    x264_settings: tuple[str, ...]  # the text of x264's settings messages, if any


def sei_payloads(nal: bytes):
    """(payloadType, payload) of every message in an SEI NAL unit (header byte included)."""
    data = unescape_rbsp(nal[1:])
    pos = 0
    while pos < len(data) and data[pos] != 0x80:  # 0x80: the RBSP trailing bits
        values = []
        for _ in range(2):  # payloadType, then payloadSize: runs of 255 plus a last byte
            value = 0
            while pos < len(data) and data[pos] == 0xFF:
                value += 255
                pos += 1
            if pos >= len(data):
                raise BitstreamError("SEI message runs past its NAL unit")
            value += data[pos]
            pos += 1
            values.append(value)
        kind, size = values
        if pos + size > len(data):
            raise BitstreamError("SEI payload runs past its NAL unit")
        yield kind, data[pos:pos + size]
        pos += size


def scan_access_unit(data: bytes, length_size: int) -> AccessUnit:
    """What one access unit holds: its picture type, filler, and x264's settings message."""
    first = None
    filler = 0
    texts = []
    for nal in nal_units(data, length_size):
        kind = nal[0] & 0x1F
        if kind in (NAL_SLICE, NAL_IDR) and first is None:
            r = BitReader(unescape_rbsp(nal[1:8]))
            r.ue()  # first_mb_in_slice
            first = (SLICE_TYPES[r.ue() % 5], kind == NAL_IDR)
        elif kind == NAL_FILLER:
            filler += len(nal)
        elif kind == NAL_SEI:
            for payload_type, payload in sei_payloads(nal):
                if payload_type == SEI_USER_DATA_UNREGISTERED and payload[:16] == X264_UUID:
                    texts.append(payload[16:].split(b"\0", 1)[0].decode("latin-1"))
    if first is None:
        raise BitstreamError("an access unit has no coded slice")
    return AccessUnit(first[0], first[1], filler, tuple(texts))


def picture_info(data: bytes, length_size: int) -> tuple[str, bool]:
    """(slice type letter, is IDR) of the first slice of an access unit."""
    unit = scan_access_unit(data, length_size)
    return unit.slice_type, unit.idr


def x264_options(text: str) -> dict[str, str]:
    """The `key=value` settings of x264's message ("x264 - core 164 ... - options: cabac=1 ...")."""
    _, found, options = text.partition("options:")
    if not found:
        return {}
    return dict(item.split("=", 1) for item in options.split() if "=" in item)
