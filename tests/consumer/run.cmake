# Installs the built tree into a scratch prefix, configures tests/consumer against it with
# find_package, builds it and checks what it prints (a link, then one redemption and one replay
# through a SQLite file in the scratch folder).
file(REMOVE_RECURSE "${WORK_DIR}")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${WORK_DIR}/prefix"
  RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "install failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/consumer" -B "${WORK_DIR}/build"
  -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "configure failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build "${WORK_DIR}/build" RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "build failed: ${rc}")
endif()
execute_process(COMMAND "${WORK_DIR}/build/consumer" "${WORK_DIR}/tokens.db" OUTPUT_VARIABLE out RESULT_VARIABLE rc)
set(expected "https://teams.microsoft.com/l/chat/0/0?users=28:00000000-0000-0000-0000-000000000001&continuation=a%20b\nredeemed\nREPLAYED\n200 OK\ndelivery in the outbox\n")
if(rc OR NOT out STREQUAL expected)
  message(FATAL_ERROR "consumer printed '${out}' (exit ${rc}), expected '${expected}'")
endif()
