#include "formats/pci_rom.h"

#include "formats/decode_count.h"

const char *pci_status_str(enum pci_status st)
{
	switch (st) {
	case PCI_OK:
		return "ok";
	case PCI_TRUNCATED:
		return "truncated";
	case PCI_BAD_SIGNATURE:
		return "bad signature";
	case PCI_BAD_POINTER:
		return "pointer out of range";
	case PCI_MISALIGNED:
		return "pointer not DWORD aligned";
	case PCI_BAD_LENGTH:
		return "bad structure length";
	}
	return "unknown";
}

#define FMT_PREFIX PCI_ROM_HDR
#define FMT_TYPE   struct pci_rom_header
FMT_DEFINE(PCI_ROM_HDR_FIELDS, pci_rom_header_fields);
#undef FMT_TYPE
#undef FMT_PREFIX

#define FMT_PREFIX PCIR
#define FMT_TYPE   struct pci_pcir
FMT_DEFINE(PCIR_FIELDS, pci_pcir_fields);
#undef FMT_TYPE
#undef FMT_PREFIX

#define FMT_PREFIX PCI_DEVLIST
#define FMT_TYPE   struct pci_device_list_entry
FMT_DEFINE(PCI_DEVLIST_FIELDS, pci_device_list_fields);
#undef FMT_TYPE
#undef FMT_PREFIX

#define FMT_PREFIX PNP
#define FMT_TYPE   struct pci_pnp
FMT_DEFINE(PNP_FIELDS, pci_pnp_fields);
#undef FMT_TYPE
#undef FMT_PREFIX

#define FMT_PREFIX PCI_CHECKSUM
#define FMT_TYPE   struct pci_checksum_byte
FMT_DEFINE(PCI_CHECKSUM_FIELDS, pci_checksum_fields);
#undef FMT_TYPE
#undef FMT_PREFIX

static bool is_nvidia_rom_sig(uint16_t sig)
{
	return sig == PCI_ROM_SIG_NV || sig == PCI_ROM_SIG_NV2;
}

enum pci_status pci_rom_header_decode(const struct span *s, size_t img, bool allow_nvidia,
                                      struct pci_rom_header *out)
{
	const struct fmt_field *t = pci_rom_header_fields;
	FMT_COUNT(FMT_DEC_ROM_HEADER, s->data, img);
	memset(out, 0, sizeof(*out));
	if (!fmt_decode(s, img, &t[PCI_ROM_HDR_F_SIGNATURE], 1, out))
		return PCI_TRUNCATED;
	if (out->signature != PCI_ROM_SIG && !(allow_nvidia && is_nvidia_rom_sig(out->signature)))
		return PCI_BAD_SIGNATURE;
	if (!fmt_decode(s, img, &t[PCI_ROM_HDR_F_SIZE], 2, out)) /* SIZE, PCIR_PTR */
		return PCI_TRUNCATED;
	out->has_pnp_field = fmt_decode(s, img, &t[PCI_ROM_HDR_F_PNP_PTR], 1, out);
	return PCI_OK;
}

enum pci_status pci_pcir_decode(const struct span *s, size_t pcir_abs, bool allow_nvidia,
                                struct pci_pcir *out)
{
	const struct fmt_field *t = pci_pcir_fields;
	FMT_COUNT(FMT_DEC_PCIR, s->data, pcir_abs);
	memset(out, 0, sizeof(*out));
	if (!span_has(s, pcir_abs, PCIR_MIN_LEN))
		return PCI_TRUNCATED;
	(void)fmt_decode(s, pcir_abs, &t[PCIR_F_SIGNATURE], 1, out);
	if (out->signature == PCIR_SIG_PCIR)
		out->kind = PCIR_KIND_PCIR;
	else if (allow_nvidia && out->signature == PCIR_SIG_NPDS)
		out->kind = PCIR_KIND_NPDS;
	else if (allow_nvidia && out->signature == PCIR_SIG_RGIS)
		out->kind = PCIR_KIND_RGIS;
	else
		return PCI_BAD_SIGNATURE;

	/* The fields up to 0x16 exist in every revision (checked above). */
	(void)fmt_decode(s, pcir_abs, t, PCIR_F_REV3, out);

	/* Rev-3 fields only when the structure says it is long enough: rev-0
	 * NVIDIA x86 PCIRs keep code bytes at 0x16..0x1B (formats-nvidia 3.2). */
	if (out->length >= PCIR_REV3_LEN && out->length != 0xFFFF &&
	    span_has(s, pcir_abs, PCIR_REV3_LEN))
		out->has_rev3_fields =
		    fmt_decode(s, pcir_abs, &t[PCIR_F_REV3], PCIR_F_COUNT - PCIR_F_REV3, out);
	/* The hardened Linux walker rejects < 0x18 and 0xFFFF (formats 1.6). */
	if (out->length < PCIR_MIN_LEN || out->length == 0xFFFF)
		return PCI_BAD_LENGTH;
	return PCI_OK;
}

enum pci_status pci_image_probe(const struct span *s, size_t img, bool allow_nvidia,
                                struct pci_rom_header *hdr, struct pci_pcir *pcir)
{
	size_t pcir_abs;
	enum pci_status st;
	FMT_COUNT(FMT_DEC_IMAGE_PROBE, s->data, img);
	st = pci_rom_header_decode(s, img, allow_nvidia, hdr);
	memset(pcir, 0, sizeof(*pcir));
	if (st != PCI_OK)
		return st;
	if (hdr->pcir_offset == 0 || !size_add(img, hdr->pcir_offset, &pcir_abs) ||
	    !span_has(s, pcir_abs, 4))
		return PCI_BAD_POINTER;
	if (hdr->pcir_offset & 3u)
		return PCI_MISALIGNED;
	st = pci_pcir_decode(s, pcir_abs, allow_nvidia, pcir);
	/* A short PCIR whose signature is right is still an image; the length
	 * problem becomes a finding, not a rejection. */
	return st == PCI_BAD_LENGTH ? PCI_OK : st;
}

const char *pci_devlist_status_str(enum pci_devlist_status st)
{
	switch (st) {
	case PCI_DEVLIST_NONE:
		return "none";
	case PCI_DEVLIST_OK:
		return "ok";
	case PCI_DEVLIST_OUT_OF_RANGE:
		return "out-of-range";
	case PCI_DEVLIST_UNTERMINATED:
		return "unterminated";
	case PCI_DEVLIST_TOO_LONG:
		return "too-long";
	}
	return "unknown";
}

enum pci_devlist_status pci_device_list_decode(const struct span *img, size_t pcir_off,
                                               const struct pci_pcir *p, uint16_t *ids, size_t cap,
                                               struct pci_device_list *out)
{
	const size_t w = pci_device_list_fields[PCI_DEVLIST_F_DEVICE_ID].width;
	size_t at;
	FMT_COUNT(FMT_DEC_DEVICE_LIST, img->data, pcir_off);
	memset(out, 0, sizeof(*out));
	out->pointer = p->device_list;
	/* Rev 0 (PCI 2.2/2.3) keeps a reserved or VPD word there; NPDS and RGIS
	 * are NVIDIA's own structures, not PCI Firmware 3.0 ones. */
	if (p->kind != PCIR_KIND_PCIR || p->revision < PCI_DEVLIST_REVISION || p->device_list == 0)
		return out->status = PCI_DEVLIST_NONE;
	if (!size_add(pcir_off, p->device_list, &at))
		at = SIZE_MAX;
	out->offset = at;
	if (!span_has(img, at, w))
		return out->status = PCI_DEVLIST_OUT_OF_RANGE;
	/* Each step reads 2 more bytes; the cap bounds the walk. */
	for (;;) {
		struct pci_device_list_entry e;
		if (!fmt_decode(img, at, pci_device_list_fields, PCI_DEVLIST_F_COUNT, &e))
			return out->status = PCI_DEVLIST_UNTERMINATED;
		out->length += w;
		if (e.device_id == 0)
			return out->status = PCI_DEVLIST_OK;
		if (out->n == PCI_DEVLIST_MAX) {
			out->length -= w;
			return out->status = PCI_DEVLIST_TOO_LONG;
		}
		if (out->n < cap)
			ids[out->n] = e.device_id;
		out->n++;
		at += w;
	}
}

const char *pci_code_type_name(uint8_t code_type)
{
	switch (code_type) {
	case PCI_CODE_X86:
		return "x86";
	case PCI_CODE_OPENFIRMWARE:
		return "openfirmware";
	case PCI_CODE_HPPA:
		return "hppa";
	case PCI_CODE_EFI:
		return "efi";
	case PCI_CODE_NV_NBSI:
	case PCI_CODE_NV_EXT:
		return "nvidia-private";
	default:
		return "other";
	}
}

enum pci_status pci_pnp_decode(const struct span *s, size_t img, uint16_t ptr, struct pci_pnp *out)
{
	const struct fmt_field *t = pci_pnp_fields;
	size_t abs;
	FMT_COUNT(FMT_DEC_PNP, s->data, (size_t)img + ptr);
	memset(out, 0, sizeof(*out));
	if (ptr == 0 || !size_add(img, ptr, &abs))
		return PCI_BAD_POINTER;
	if (!fmt_decode(s, abs, &t[PNP_F_SIGNATURE], 1, out))
		return PCI_TRUNCATED;
	if (out->signature != PNP_SIG)
		return PCI_BAD_SIGNATURE;
	if (!fmt_decode(s, abs, t, PNP_F_COUNT, out))
		return PCI_TRUNCATED;
	/* The checksum balances the whole header, length x 16 bytes. */
	if (!span_sum8(s, abs, (size_t)out->length_units * 16u, &out->sum))
		return PCI_TRUNCATED;
	return PCI_OK;
}

bool pci_rom_string(const struct span *s, size_t img, uint16_t ptr, char *out, size_t cap)
{
	size_t abs, n = 0;
	if (cap == 0)
		return false;
	out[0] = '\0';
	if (ptr == 0 || !size_add(img, ptr, &abs) || !span_has(s, abs, 1))
		return false;
	while (n + 1 < cap) {
		uint8_t c;
		if (!span_u8(s, abs + n, &c) || c == 0)
			break;
		out[n++] = (c >= 0x20 && c < 0x7F) ? (char)c : '?';
	}
	out[n] = '\0';
	return n > 0;
}

const char *pci_producer_name(enum pci_producer p)
{
	switch (p) {
	case PCI_PRODUCER_ATOMBIOS:
		return "atombios";
	case PCI_PRODUCER_IPXE:
		return "ipxe";
	case PCI_PRODUCER_SEABIOS:
		return "seabios";
	case PCI_PRODUCER_NVIDIA:
		return "nvidia";
	case PCI_PRODUCER_UNKNOWN:
		break;
	}
	return "unknown";
}
