# The training run of a co-simulator's profile-guided build (sim/CMakeLists.txt,
# nb_sim_pgo): cmake -DEXE=<instrumented nb_rtl_NAME_pgogen> -DDIR=<pgo/NAME>
#   -DFROM=<its library's object dir name> -DTO=<the optimized library's>
#   -DMODEL=<the verilated model's directory name> -P pgo_train.cmake
# The instrumented simulator co-simulates one NeuroBlend-20 image (binary,
# int8, position pairs, pooling, the classifier) and one BlendMixer image
# (token mixing) and writes its counts into DIR/raw, one file per object,
# named after the object's path. The optimized library compiles the same
# generated sources into another object directory, so the model's files are
# copied into DIR/use under that directory's name (GCC mangles '/' as '#').
foreach(v EXE DIR FROM TO MODEL)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "pgo_train.cmake: -D${v}= is required")
  endif()
endforeach()
file(REMOVE_RECURSE ${DIR}/raw ${DIR}/use)
file(MAKE_DIRECTORY ${DIR}/use)
# Without a profile the optimized library is compiled as without PGO
# (-Wno-missing-profile): a failed training costs speed, never the build.
function(nb_pgo_without why)
  message(WARNING "pgo_train.cmake: the co-simulator is built without a profile (as with -DNB_SIM_PGO=OFF): ${why}")
  file(REMOVE_RECURSE ${DIR}/use)
  file(MAKE_DIRECTORY ${DIR}/use)
  file(WRITE ${DIR}/stamp "no profile: ${why}\n")
endfunction()
foreach(model neuroblend-20 blendmixer)
  execute_process(COMMAND ${EXE} --model ${model} --images-n 1 --calib 2 --no-dump --quiet
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  # Status 3 is an RTL that does not match the golden model (while the RTL is
  # being edited): its run still profiles the model's code, and the tests
  # report the mismatch. Anything else (a crash, a refused model) is no profile.
  if(rc EQUAL 3)
    message(WARNING "pgo_train.cmake: the training run of ${EXE} on ${model} did not verify (exit status 3); its profile is kept, the tests will name the mismatch")
  elseif(NOT rc EQUAL 0)
    nb_pgo_without("the training run of ${EXE} on ${model} failed (exit status ${rc}):\n${out}")
    return()
  endif()
endforeach()
file(GLOB raw RELATIVE ${DIR}/raw ${DIR}/raw/*.gcda)
set(n 0)
foreach(f ${raw})
  if(f MATCHES "#${FROM}#.*#${MODEL}#")
    string(REPLACE "#${FROM}#" "#${TO}#" g "${f}")
    configure_file(${DIR}/raw/${f} ${DIR}/use/${g} COPYONLY)
    math(EXPR n "${n} + 1")
  endif()
endforeach()
if(n EQUAL 0)
  nb_pgo_without("no profile of the model's objects (#${FROM}#...#${MODEL}#) in ${DIR}/raw")
  return()
endif()
file(WRITE ${DIR}/stamp "${n} profiles\n")
