# EDK2's reference EFI/Tiano decoder (../shared/reference/edk2-decompress,
# README there), compiled from where it lies and never copied into the
# project, for the tests that compare optrom's decoder with it
# (tests/corpus/test_efi_vs_edk2.c, tests/fuzz/fuzz_efi_vs_edk2.c). Defines
# the target edk2_reference when the reference is present.
set(OPTROM_EDK2_REFERENCE ${PROJECT_SOURCE_DIR}/../shared/reference/edk2-decompress
    CACHE PATH "EDK2 reference decompressor (README there), for the tests against it")
if(EXISTS ${OPTROM_EDK2_REFERENCE}/common/Tiano/EfiTianoDecompress.c AND NOT TARGET edk2_reference)
  add_library(edk2_reference STATIC ${OPTROM_EDK2_REFERENCE}/common/Tiano/EfiTianoDecompress.c)
  target_include_directories(edk2_reference PUBLIC ${OPTROM_EDK2_REFERENCE}/common)
  # Not our code: its warnings are not ours to fix, and it is built as C99 with extensions.
  target_compile_options(edk2_reference PRIVATE -w -Wno-error)
  set_target_properties(edk2_reference PROPERTIES C_EXTENSIONS ON)
endif()
