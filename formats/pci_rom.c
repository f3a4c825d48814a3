#include "formats/pci_rom.h"

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

/* PCI Firmware 3.0 table 5-2 via EDK2 PCI_3_0_DATA_STRUCTURE; the last three
 * exist only when the structure length is at least 0x1C. */
const struct fmt_field pci_pcir_fields[] = {
    {"signature", 0x00, 4},    {"vendor_id", 0x04, 2},     {"device_id", 0x06, 2},
    {"device_list", 0x08, 2},  {"length", 0x0A, 2},        {"revision", 0x0C, 1},
    {"prog_if", 0x0D, 1},      {"sub_class", 0x0E, 1},     {"base_class", 0x0F, 1},
    {"image_length", 0x10, 2}, {"code_revision", 0x12, 2}, {"code_type", 0x14, 1},
    {"indicator", 0x15, 1},    {"max_runtime", 0x16, 2},   {"config_utility", 0x18, 2},
    {"dmtf_clp", 0x1A, 2},
};
const size_t pci_pcir_field_count = sizeof(pci_pcir_fields) / sizeof(pci_pcir_fields[0]);

static bool is_nvidia_rom_sig(uint16_t sig)
{
	return sig == PCI_ROM_SIG_NV || sig == PCI_ROM_SIG_NV2;
}

enum pci_status pci_rom_header_decode(const struct span *s, size_t img, bool allow_nvidia,
                                      struct pci_rom_header *out)
{
	memset(out, 0, sizeof(*out));
	if (!span_u16le(s, img, &out->signature))
		return PCI_TRUNCATED;
	if (out->signature != PCI_ROM_SIG && !(allow_nvidia && is_nvidia_rom_sig(out->signature)))
		return PCI_BAD_SIGNATURE;
	if (!span_u8(s, img + PCI_ROM_HDR_SIZE_OFF, &out->size_blocks) ||
	    !span_u16le(s, img + PCI_ROM_HDR_PCIR_PTR, &out->pcir_offset))
		return PCI_TRUNCATED;
	out->has_pnp_field = span_u16le(s, img + PCI_ROM_HDR_PNP_PTR, &out->pnp_offset);
	return PCI_OK;
}

static uint32_t field_or_zero(const struct span *s, size_t base, const char *name)
{
	int i = fmt_field_find(pci_pcir_fields, pci_pcir_field_count, name);
	uint32_t v = 0;
	if (i >= 0)
		(void)fmt_field_read(s, base, &pci_pcir_fields[i], &v);
	return v;
}

enum pci_status pci_pcir_decode(const struct span *s, size_t pcir_abs, bool allow_nvidia,
                                struct pci_pcir *out)
{
	memset(out, 0, sizeof(*out));
	if (!span_has(s, pcir_abs, PCIR_MIN_LEN))
		return PCI_TRUNCATED;
	(void)span_u32le(s, pcir_abs, &out->signature);
	if (out->signature == PCIR_SIG_PCIR)
		out->kind = PCIR_KIND_PCIR;
	else if (allow_nvidia && out->signature == PCIR_SIG_NPDS)
		out->kind = PCIR_KIND_NPDS;
	else if (allow_nvidia && out->signature == PCIR_SIG_RGIS)
		out->kind = PCIR_KIND_RGIS;
	else
		return PCI_BAD_SIGNATURE;

	/* The first 0x16 bytes exist in every revision (checked above). */
	out->vendor_id = (uint16_t)field_or_zero(s, pcir_abs, "vendor_id");
	out->device_id = (uint16_t)field_or_zero(s, pcir_abs, "device_id");
	out->device_list = (uint16_t)field_or_zero(s, pcir_abs, "device_list");
	out->length = (uint16_t)field_or_zero(s, pcir_abs, "length");
	out->revision = (uint8_t)field_or_zero(s, pcir_abs, "revision");
	out->class_code = field_or_zero(s, pcir_abs, "base_class") << 16 |
	                  field_or_zero(s, pcir_abs, "sub_class") << 8 |
	                  field_or_zero(s, pcir_abs, "prog_if");
	out->image_blocks = (uint16_t)field_or_zero(s, pcir_abs, "image_length");
	out->code_revision = (uint16_t)field_or_zero(s, pcir_abs, "code_revision");
	out->code_type = (uint8_t)field_or_zero(s, pcir_abs, "code_type");
	out->indicator = (uint8_t)field_or_zero(s, pcir_abs, "indicator");

	/* Rev-3 fields only when the structure says it is long enough: rev-0
	 * NVIDIA x86 PCIRs keep code bytes at 0x16..0x1B (formats-nvidia 3.2). */
	if (out->length >= PCIR_REV3_LEN && out->length != 0xFFFF &&
	    span_has(s, pcir_abs, PCIR_REV3_LEN)) {
		out->has_rev3_fields = true;
		out->max_runtime_blocks = (uint16_t)field_or_zero(s, pcir_abs, "max_runtime");
		out->config_utility = (uint16_t)field_or_zero(s, pcir_abs, "config_utility");
		out->dmtf_clp = (uint16_t)field_or_zero(s, pcir_abs, "dmtf_clp");
	}
	/* The hardened Linux walker rejects < 0x18 and 0xFFFF (formats 1.6). */
	if (out->length < PCIR_MIN_LEN || out->length == 0xFFFF)
		return PCI_BAD_LENGTH;
	return PCI_OK;
}

enum pci_status pci_image_probe(const struct span *s, size_t img, bool allow_nvidia,
                                struct pci_rom_header *hdr, struct pci_pcir *pcir)
{
	size_t pcir_abs;
	enum pci_status st = pci_rom_header_decode(s, img, allow_nvidia, hdr);
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
	size_t abs;
	uint32_t sig;
	memset(out, 0, sizeof(*out));
	if (ptr == 0 || !size_add(img, ptr, &abs))
		return PCI_BAD_POINTER;
	if (!span_u32le(s, abs, &sig))
		return PCI_TRUNCATED;
	if (sig != PNP_SIG)
		return PCI_BAD_SIGNATURE;
	/* PnP BIOS spec appendix A.3: length in 16-byte units, checksum at 9
	 * balancing the whole header. */
	if (!span_u8(s, abs + 4, &out->revision) || !span_u8(s, abs + 5, &out->length_units) ||
	    !span_u16le(s, abs + 6, &out->next) || !span_u8(s, abs + 9, &out->checksum_byte) ||
	    !span_u32le(s, abs + 0x0A, &out->device_id) ||
	    !span_u16le(s, abs + 0x0E, &out->manufacturer_ptr) ||
	    !span_u16le(s, abs + 0x10, &out->product_ptr))
		return PCI_TRUNCATED;
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
