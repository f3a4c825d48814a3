/* A UEFI application for the Secure Boot boots of tests/vm: the built-in
 * shell of a Secure Boot OVMF is refused unless signed by an enrolled key,
 * so this small program, signed in the test with Debian's snakeoil key,
 * lists what `drivers` and `dh -p LoadedImage -v` would: each driver
 * binding's version and name and the device path of its image (an option ROM
 * image ends in Offset(START,END)), in the shell's table layout so that
 * formats/uefi_shell.c reads it; then it powers the machine off.
 * Built with gnu-efi (Debian package gnu-efi), only for the tests. */
#include <efi.h>
#include <efilib.h>

static EFI_GUID loaded_image_device_path_guid = {
    0xbc62157e, 0x3e33, 0x4fec, {0x99, 0x20, 0x2d, 0x3b, 0x36, 0xd7, 0x50, 0xdf}};

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	InitializeLib(image, st);
	EFI_HANDLE *handles = NULL;
	UINTN n = 0;
	Print(L"Shell> drivers\r\n");
	Print(L"== ======== = = = == == =================================== ==========\r\n");
	EFI_STATUS s = uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol,
	                                 &DriverBindingProtocol, NULL, &n, &handles);
	if (EFI_ERROR(s))
		n = 0;
	for (UINTN i = 0; i < n; i++) {
		EFI_DRIVER_BINDING_PROTOCOL *db = NULL;
		EFI_COMPONENT_NAME2_PROTOCOL *cn = NULL;
		CHAR16 *name = L"?";
		uefi_call_wrapper(BS->HandleProtocol, 3, handles[i], &DriverBindingProtocol,
		                  (void **)&db);
		if (!EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, handles[i],
		                                 &ComponentName2Protocol, (void **)&cn)) &&
		    cn) {
			CHAR16 *nm = NULL;
			if (!EFI_ERROR(
			        uefi_call_wrapper(cn->GetDriverName, 3, cn, (CHAR8 *)"en", &nm)) &&
			    nm)
				name = nm;
		}
		/* Handle numbers: the index, in hex, as the shell's are. */
		Print(L"%02x %08x ? - -  -  - %-35s\r\n", (UINT32)(i + 1),
		      db ? (UINT32)db->Version : 0, name);
	}
	Print(L"Shell> dh -p LoadedImage -v\r\n");
	Print(L"Handle dump by protocol 'LoadedImage'\r\n");
	for (UINTN i = 0; i < n; i++) {
		EFI_DRIVER_BINDING_PROTOCOL *db = NULL;
		EFI_DEVICE_PATH *dp = NULL;
		uefi_call_wrapper(BS->HandleProtocol, 3, handles[i], &DriverBindingProtocol,
		                  (void **)&db);
		EFI_HANDLE ih = db ? db->ImageHandle : handles[i];
		EFI_LOADED_IMAGE *li = NULL;
		if (EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, ih,
		                                &loaded_image_device_path_guid, (void **)&dp)))
			dp = NULL;
		if (dp) {
			/* gnu-efi's text form does not know the option ROM's node
			 * (media type 4, subtype 8: RelativeOffsetRange, UEFI 2.x
			 * 10.3.5.9: reserved UINT32, start UINT64, end UINT64), so
			 * this prints it as EDK2 does. */
			EFI_DEVICE_PATH *node = dp;
			UINT64 start = 0, end = 0;
			BOOLEAN rom = FALSE;
			for (int k = 0; k < 64 && !IsDevicePathEnd(node); k++) {
				if (DevicePathType(node) == 4 && DevicePathSubType(node) == 8 &&
				    DevicePathNodeLength(node) >= 24) {
					CopyMem(&start, (UINT8 *)node + 8, 8);
					CopyMem(&end, (UINT8 *)node + 16, 8);
					rom = TRUE;
				}
				node = NextDevicePathNode(node);
			}
			if (rom)
				Print(L"%02x: ImageDevicePath(0)   Rom/Offset(0x%lx,0x%lx) "
				      L"LoadedImage(0)\r\n",
				      (UINT32)(i + 1), start, end);
			else
				Print(L"%02x: ImageDevicePath(0)   Fv LoadedImage(0)\r\n",
				      (UINT32)(i + 1));
		} else if (!EFI_ERROR(uefi_call_wrapper(BS->HandleProtocol, 3, ih,
		                                        &LoadedImageProtocol, (void **)&li)) &&
		           li) {
			/* No image device path: the device's path and the image's
			 * file path (for an option ROM image, its Offset() node). */
			EFI_DEVICE_PATH *dev = DevicePathFromHandle(li->DeviceHandle);
			CHAR16 *a = dev ? DevicePathToStr(dev) : NULL;
			CHAR16 *b = li->FilePath ? DevicePathToStr(li->FilePath) : NULL;
			Print(L"%02x: ImageDevicePath(0)   %s/%s LoadedImage(0)\r\n",
			      (UINT32)(i + 1), a ? a : L"?", b ? b : L"?");
		}
	}
	Print(L"Shell> reset -s\r\n");
	uefi_call_wrapper(RT->ResetSystem, 4, EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	return EFI_SUCCESS;
}
