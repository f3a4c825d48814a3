# Builds the man pages from the binary's own --help text with help2man, so a
# page cannot drift from what the command says: optrom.1 from `optrom
# --help`, and optrom-CMD.1 from `optrom CMD --help` for every command that
# `optrom help --commands` lists (the command table in cli/main.c). A new
# command gets its page without an edit here.
# Variables: OPTROM (the binary), HELP2MAN, OUT (folder), VERSION.
file(MAKE_DIRECTORY ${OUT}/wrap)
file(GLOB old ${OUT}/*.1)
if(old)
  file(REMOVE ${old})
endif()
execute_process(COMMAND ${OPTROM} help --commands OUTPUT_VARIABLE list RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "optrom help --commands failed (${rc})")
endif()
set(see "")
string(REPLACE "\n" ";" lines "${list}")
foreach(line ${lines})
  if(line STREQUAL "")
    continue()
  endif()
  string(REGEX REPLACE "\t.*" "" name "${line}")
  list(APPEND see "optrom-${name}(1)")
endforeach()
list(JOIN see ", " see_text)
file(WRITE ${OUT}/wrap/see-also.h2m "[SEE ALSO]\noptrom(1), ${see_text}\n\nThe report schema: docs/yaml-schema.md, installed in the documentation folder.\n")

function(page prog name summary)
  execute_process(COMMAND ${HELP2MAN} --no-info --version-string=${VERSION}
                          --name=${summary} --section=1
                          --include=${OUT}/wrap/see-also.h2m
                          --output=${OUT}/${name}.1 ${prog}
                  RESULT_VARIABLE r ERROR_VARIABLE e)
  if(NOT r EQUAL 0)
    message(FATAL_ERROR "help2man ${name}: ${e}")
  endif()
endfunction()

page(${OPTROM} optrom "read and repair PCI option ROM files offline")
foreach(line ${lines})
  if(line STREQUAL "")
    continue()
  endif()
  string(REGEX REPLACE "\t.*" "" name "${line}")
  string(REGEX REPLACE "^[^\t]*\t" "" summary "${line}")
  # help2man names the page after the program it runs: a two-line wrapper.
  set(w ${OUT}/wrap/optrom-${name})
  file(WRITE ${w} "#!/bin/sh\nexec '${OPTROM}' ${name} \"$@\"\n")
  file(CHMOD ${w} PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                              WORLD_READ WORLD_EXECUTE)
  page(${w} optrom-${name} "${summary}")
endforeach()
