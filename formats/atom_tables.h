/* AMD ATOMBIOS identity and tables beyond what atom_detect reads (the ATOM
 * ROM header is atom_detect's, formats/atom.h): the master command and data tables (each entry's
 * common header: size, format and content revision, as AtomDis and upp list them), the string table
 * (part number, ASIC, bus and memory type, board name), the "ATOMBIOSBK-AMD VER" version string,
 * the build number after the config file name, and the $PSP directory that RDNA boards sign.
 *
 * Sources: Linux atombios.h / atomfirmware.h, amdgpu atom.c
 * (atom_get_vbios_name/_version/_build), AtomDis get_table_offset, yaabe
 * psp.h; ../shared/docs/formats-pci-amd-efi.md sections 4.2, 4.3, 4.6.
 * Offsets are relative to the ATOM (x86) image start.
 */
#ifndef OPTROM_ATOM_TABLES_H
#define OPTROM_ATOM_TABLES_H

#include "formats/atom.h"
#include "formats/field.h"
#include "formats/span.h"

#define ATOM_MAX_CMD_TABLES  128u /* 81 entries in atombios.h; 0x1E8 bytes would be 242 */
#define ATOM_MAX_DATA_TABLES 64u  /* 34-35 entries */
#define ATOM_MAX_STRINGS     8u   /* byte 0x2F: 4 seen, yaabe notes up to 16 */
#define ATOM_STRING_LEN      64u
#define ATOM_PSP_SIG         0x50535024u /* "$PSP" */
#define ATOM_VERSION_TAG     "ATOMBIOSBK-AMD VER"
/* The ROM header's crc_block_offset points at 4 bytes that change with
 * any edit of the image (observed: stock against modified Polaris ROMs of
 * the corpus); what they sum is not documented. */
#define ATOM_CRC_BLOCK_LEN   4u
#define ATOM_PSP_HDR_LEN     16u /* cookie, checksum, entries, additional info */
#define ATOM_PSP_ENTRY_LEN   16u /* type, size, u64 location (amdfwtool) */
#define ATOM_PSP_MAX_ENTRIES 256u

/* The entries of the master command and data tables by index, as AtomDis
 * and upp name them: X(index, atombios, atomfirmware). atombios is the
 * member name in Linux atombios.h (ATOM_MASTER_LIST_OF_COMMAND_TABLES,
 * ATOM_MASTER_LIST_OF_DATA_TABLES: master tables of format revision 1),
 * atomfirmware the one in atomfirmware.h
 * (atom_master_list_of_command_functions_v2_1,
 * atom_master_list_of_data_tables_v2_1: format revision 2, Vega, Navi and
 * the APUs since Raven). atomfirmware.h keeps atombios.h's position for
 * every table it still names and calls the others cmd_functionN or
 * sw_datatableN ("used as an internal one"). An index past a list has no
 * name and is shown by its number. */
#define ATOM_COMMAND_TABLE_NAMES(X)                                                                \
	X(0, "ASIC_Init", "asic_init")                                                             \
	X(1, "GetDisplaySurfaceSize", "cmd_function1")                                             \
	X(2, "ASIC_RegistersInit", "cmd_function2")                                                \
	X(3, "VRAM_BlockVenderDetection", "cmd_function3")                                         \
	X(4, "DIGxEncoderControl", "digxencodercontrol")                                           \
	X(5, "MemoryControllerInit", "cmd_function5")                                              \
	X(6, "EnableCRTCMemReq", "cmd_function6")                                                  \
	X(7, "MemoryParamAdjust", "cmd_function7")                                                 \
	X(8, "DVOEncoderControl", "cmd_function8")                                                 \
	X(9, "GPIOPinControl", "cmd_function9")                                                    \
	X(10, "SetEngineClock", "setengineclock")                                                  \
	X(11, "SetMemoryClock", "setmemoryclock")                                                  \
	X(12, "SetPixelClock", "setpixelclock")                                                    \
	X(13, "EnableDispPowerGating", "enabledisppowergating")                                    \
	X(14, "ResetMemoryDLL", "cmd_function14")                                                  \
	X(15, "ResetMemoryDevice", "cmd_function15")                                               \
	X(16, "MemoryPLLInit", "cmd_function16")                                                   \
	X(17, "AdjustDisplayPll", "cmd_function17")                                                \
	X(18, "AdjustMemoryController", "cmd_function18")                                          \
	X(19, "EnableASIC_StaticPwrMgt", "cmd_function19")                                         \
	X(20, "SetUniphyInstance", "cmd_function20")                                               \
	X(21, "DAC_LoadDetection", "cmd_function21")                                               \
	X(22, "LVTMAEncoderControl", "cmd_function22")                                             \
	X(23, "HW_Misc_Operation", "cmd_function23")                                               \
	X(24, "DAC1EncoderControl", "cmd_function24")                                              \
	X(25, "DAC2EncoderControl", "cmd_function25")                                              \
	X(26, "DVOOutputControl", "cmd_function26")                                                \
	X(27, "CV1OutputControl", "cmd_function27")                                                \
	X(28, "GetConditionalGoldenSetting", "cmd_function28")                                     \
	X(29, "SMC_Init", "cmd_function29")                                                        \
	X(30, "PatchMCSetting", "cmd_function30")                                                  \
	X(31, "MC_SEQ_Control", "cmd_function31")                                                  \
	X(32, "Gfx_Harvesting", "cmd_function32")                                                  \
	X(33, "EnableScaler", "cmd_function33")                                                    \
	X(34, "BlankCRTC", "blankcrtc")                                                            \
	X(35, "EnableCRTC", "enablecrtc")                                                          \
	X(36, "GetPixelClock", "cmd_function36")                                                   \
	X(37, "EnableVGA_Render", "cmd_function37")                                                \
	X(38, "GetSCLKOverMCLKRatio", "cmd_function38")                                            \
	X(39, "SetCRTC_Timing", "cmd_function39")                                                  \
	X(40, "SetCRTC_OverScan", "cmd_function40")                                                \
	X(41, "GetSMUClockInfo", "getsmuclockinfo")                                                \
	X(42, "SelectCRTC_Source", "selectcrtc_source")                                            \
	X(43, "EnableGraphSurfaces", "cmd_function43")                                             \
	X(44, "UpdateCRTC_DoubleBufferRegisters", "cmd_function44")                                \
	X(45, "LUT_AutoFill", "cmd_function45")                                                    \
	X(46, "SetDCEClock", "setdceclock")                                                        \
	X(47, "GetMemoryClock", "getmemoryclock")                                                  \
	X(48, "GetEngineClock", "getengineclock")                                                  \
	X(49, "SetCRTC_UsingDTDTiming", "setcrtc_usingdtdtiming")                                  \
	X(50, "ExternalEncoderControl", "externalencodercontrol")                                  \
	X(51, "LVTMAOutputControl", "cmd_function51")                                              \
	X(52, "VRAM_BlockDetectionByStrap", "cmd_function52")                                      \
	X(53, "MemoryCleanUp", "cmd_function53")                                                   \
	X(54, "ProcessI2cChannelTransaction", "processi2cchanneltransaction")                      \
	X(55, "WriteOneByteToHWAssistedI2C", "cmd_function55")                                     \
	X(56, "ReadHWAssistedI2CStatus", "cmd_function56")                                         \
	X(57, "SpeedFanControl", "cmd_function57")                                                 \
	X(58, "PowerConnectorDetection", "cmd_function58")                                         \
	X(59, "MC_Synchronization", "cmd_function59")                                              \
	X(60, "ComputeMemoryEnginePLL", "computegpuclockparam")                                    \
	X(61, "Gfx_Init", "cmd_function61")                                                        \
	X(62, "VRAM_GetCurrentInfoBlock", "cmd_function62")                                        \
	X(63, "DynamicMemorySettings", "dynamicmemorysettings")                                    \
	X(64, "MemoryTraining", "memorytraining")                                                  \
	X(65, "EnableSpreadSpectrumOnPPLL", "cmd_function65")                                      \
	X(66, "TMDSAOutputControl", "cmd_function66")                                              \
	X(67, "SetVoltage", "setvoltage")                                                          \
	X(68, "DAC1OutputControl", "cmd_function68")                                               \
	X(69, "ReadEfuseValue", "readefusevalue")                                                  \
	X(70, "ComputeMemoryClockParam", "cmd_function70")                                         \
	X(71, "ClockSource", "cmd_function71")                                                     \
	X(72, "MemoryDeviceInit", "cmd_function72")                                                \
	X(73, "GetDispObjectInfo", "cmd_function73")                                               \
	X(74, "DIG1EncoderControl", "cmd_function74")                                              \
	X(75, "DIG2EncoderControl", "cmd_function75")                                              \
	X(76, "DIG1TransmitterControl", "dig1transmittercontrol")                                  \
	X(77, "DIG2TransmitterControl", "cmd_function77")                                          \
	X(78, "ProcessAuxChannelTransaction", "processauxchanneltransaction")                      \
	X(79, "DPEncoderService", "cmd_function79")                                                \
	X(80, "GetVoltageInfo", "getvoltageinfo")

#define ATOM_DATA_TABLE_NAMES(X)                                                                   \
	X(0, "UtilityPipeLine", "utilitypipeline")                                                 \
	X(1, "MultimediaCapabilityInfo", "multimedia_info")                                        \
	X(2, "MultimediaConfigInfo", "smc_dpm_info")                                               \
	X(3, "StandardVESA_Timing", "sw_datatable3")                                               \
	X(4, "FirmwareInfo", "firmwareinfo")                                                       \
	X(5, "PaletteData", "sw_datatable5")                                                       \
	X(6, "LCD_Info", "lcd_info")                                                               \
	X(7, "DIGTransmitterInfo", "sw_datatable7")                                                \
	X(8, "SMU_Info", "smu_info")                                                               \
	X(9, "SupportedDevicesInfo", "sw_datatable9")                                              \
	X(10, "GPIO_I2C_Info", "sw_datatable10")                                                   \
	X(11, "VRAM_UsageByFirmware", "vram_usagebyfirmware")                                      \
	X(12, "GPIO_Pin_LUT", "gpio_pin_lut")                                                      \
	X(13, "VESA_ToInternalModeLUT", "sw_datatable13")                                          \
	X(14, "GFX_Info", "gfx_info")                                                              \
	X(15, "PowerPlayInfo", "powerplayinfo")                                                    \
	X(16, "GPUVirtualizationInfo", "sw_datatable16")                                           \
	X(17, "SaveRestoreInfo", "sw_datatable17")                                                 \
	X(18, "PPLL_SS_Info", "sw_datatable18")                                                    \
	X(19, "OemInfo", "sw_datatable19")                                                         \
	X(20, "XTMDS_Info", "sw_datatable20")                                                      \
	X(21, "MclkSS_Info", "sw_datatable21")                                                     \
	X(22, "Object_Header", "displayobjectinfo")                                                \
	X(23, "IndirectIOAccess", "indirectioaccess")                                              \
	X(24, "MC_InitParameter", "umc_info")                                                      \
	X(25, "ASIC_VDDC_Info", "sw_datatable25")                                                  \
	X(26, "ASIC_InternalSS_Info", "sw_datatable26")                                            \
	X(27, "TV_VideoMode", "dce_info")                                                          \
	X(28, "VRAM_Info", "vram_info")                                                            \
	X(29, "MemoryTrainingInfo", "sw_datatable29")                                              \
	X(30, "IntegratedSystemInfo", "integratedsysteminfo")                                      \
	X(31, "ASIC_ProfilingInfo", "asic_profiling_info")                                         \
	X(32, "VoltageObjectInfo", "voltageobject_info")                                           \
	X(33, "PowerSourceInfo", "sw_datatable33")                                                 \
	X(34, "ServiceInfo", "sw_datatable34")

enum atom_master_kind { ATOM_MASTER_COMMAND, ATOM_MASTER_DATA };

/* The name of entry index of a master table of format revision
 * format_rev (ATOM_*_TABLE_NAMES), or NULL when the list has none. */
const char *atom_table_name(enum atom_master_kind kind, uint8_t format_rev, unsigned index);

/* A table or master table: ATOM_COMMON_TABLE_HEADER alone (formats/atom.h). */
#define ATOM_TABLE_FIELDS(X) ATOM_COMMON_FIELDS(X, SIZE, size, "size")

/* The $PSP directory header (yaabe psp.h). */
#define ATOM_PSP_FIELDS(X)                                                                         \
	X(COOKIE, cookie, 0x00, 4, "cookie")                                                       \
	X(CHECKSUM, checksum, 0x04, 4, "checksum")                                                 \
	X(ENTRIES, entries, 0x08, 4, "total_entries")

/* The identity strings atom_ext_decode reads (vendor.amd): the string
 * table as it is (entry 0 the part number, then ASIC, bus and memory type;
 * an empty first entry stays empty), the board name after it, the
 * "ATOMBIOSBK-AMD VER" version (what amdvbflash prints), the build number
 * and the config file name. */
#define ATOM_EXT_TEXT_FIELDS(X)                                                                    \
	X(PART_NUMBER, strings[0], "part_number", FMT_ROLE_PART)                                   \
	X(ASIC, strings[1], "asic", FMT_ROLE_NONE)                                                 \
	X(BUS_TYPE, strings[2], "bus_type", FMT_ROLE_NONE)                                         \
	X(MEMORY_TYPE, strings[3], "memory_type", FMT_ROLE_NONE)                                   \
	X(NAME, name, "name", FMT_ROLE_NONE)                                                       \
	X(VERSION, version, "version", FMT_ROLE_VERSION)                                           \
	X(BUILD, build, "build", FMT_ROLE_NONE)                                                    \
	X(CONFIG_FILENAME, config_filename, "config_filename", FMT_ROLE_NONE)

struct atom_table {
	uint16_t size;
	uint8_t format_rev, content_rev;
	/* not fields */
	uint8_t index;   /* position in its master table */
	uint32_t offset; /* from the image start, after AtomDis' 64 KiB wrap */
	bool ok;         /* the header and size bytes lie inside the image */
};

struct atom_master {
	bool present; /* the master table's offset is non-zero and its header readable */
	uint32_t offset;
	struct atom_table hdr; /* the master table's own common header */
	unsigned n_slots;      /* u16 entries the master table's size holds */
	struct atom_table tables[ATOM_MAX_CMD_TABLES];
	size_t n;       /* non-zero entries kept */
	unsigned n_bad; /* entries whose table lies outside the image */
};

struct atom_psp {
	uint32_t cookie, checksum, entries;
	bool present; /* "$PSP" where the ROM header points */
	uint32_t offset;
	bool checksum_ok;    /* Fletcher-32 over totalentries.. end of the entries */
	bool checksum_known; /* the entries lie inside the image */
};

struct atom_ext {
	struct atom_master command, data;
	unsigned n_strings;
	uint16_t strings_offset; /* the string table through the board name, from the image start */
	uint16_t strings_length; /* 0: no table */
	char strings[ATOM_MAX_STRINGS]
	            [ATOM_STRING_LEN]; /* [0] part number, [1] ASIC, [2] bus, [3] memory */
	char name[ATOM_STRING_LEN];    /* board name after the strings and 0D 0A */
	char version[40];              /* after "ATOMBIOSBK-AMD VER" */
	char build[32];                /* third string from the config file name */
	char config_filename[ATOM_STRING_LEN];
	struct atom_psp psp;
	uint8_t checksum_sum; /* sum8 over the legacy image (byte 2 x 512): 0 when balanced */
	uint32_t checksum_length;
	bool checksum_complete;
};

#define FMT_PREFIX ATOM_TABLE
FMT_DECLARE(ATOM_TABLE_FIELDS, atom_table_fields);
#undef FMT_PREFIX
#define FMT_PREFIX ATOM_PSP
FMT_DECLARE(ATOM_PSP_FIELDS, atom_psp_fields);
#undef FMT_PREFIX
#define FMT_PREFIX ATOM_EXT
FMT_TEXT_DECLARE(ATOM_EXT_TEXT_FIELDS, atom_ext_text_fields);
#undef FMT_PREFIX
#define ATOM_TABLE_KEY(NAME) (atom_table_fields[ATOM_TABLE_F_##NAME].key)
#define ATOM_PSP_KEY(NAME)   (atom_psp_fields[ATOM_PSP_F_##NAME].key)

/* Decodes the ATOM image at [img, img + len) that atom_detect found and
 * described in atom (its ROM header decoded there, once): master tables,
 * strings, version, build, $PSP directory, legacy checksum. Every read
 * bounded by the image. False when the ROM header is unreadable
 * (atom->hdr_ok false). */
bool atom_ext_decode(const struct span *s, size_t img, size_t len, const struct atom_info *atom,
                     struct atom_ext *out);

/* The AMD GOP driver names itself "AMD GOP X64 ..." (its UTF-16 component
 * name; every AMD GOP of the corpus, formats/pe.c pe_find_gop_version). */
#define AMD_GOP_TEXT_PREFIX "AMD GOP "

/* True when a driver's version text is AMD's GOP's. */
bool amd_gop_text(const char *text);

/* Splits the AMD GOP driver's version text ("AMD GOP X64 Release Driver
 * Rev.2.10.0.0.0.Jan 21 2020.17:42:40"; APU drivers say "Rel Driver") into
 * the version ("2.10.0.0.0") and the build date ("Jan 21 2020 17:42:40").
 * False when the text has no "Rev." followed by a digit. */
bool amd_gop_version_split(const char *text, char *version, size_t vcap, char *date, size_t dcap);

#endif
