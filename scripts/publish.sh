# Sourced by run.sh and bench.sh: publish_app OUT builds the service into OUT, precompiled (ReadyToRun) for this
# machine's processor, so the JIT does not compete with the stores for the CPU while the service warms up
# (docs/ingestion-profile.md). Later publishes recompile only what changed (~30 s).
publish_app() {
  local rid
  case "$(uname -m)" in
    aarch64|arm64) rid=linux-arm64 ;;
    *) rid=linux-x64 ;;
  esac
  dotnet publish Langfuse.csproj -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -nologo -v q -o "$1" "${@:2}"
}
