# Sourced by run.sh, bench.sh and the Dockerfile: publish_app OUT [dotnet args] builds the service into OUT,
# precompiled (ReadyToRun) for this machine's processor, so the JIT does not compete with the stores for the CPU
# while the service warms up (docs/ingestion-profile.md). Later publishes recompile only what changed.

# The runtime identifier ReadyToRun compiles for; a restore for the publish needs the same one.
app_rid() {
  case "$(uname -m)" in
    aarch64|arm64) echo linux-arm64 ;;
    *) echo linux-x64 ;;
  esac
}

# The restore a `publish_app … --no-restore` needs (the image restores before it copies the sources).
restore_app() {
  dotnet restore Langfuse.csproj -r "$(app_rid)" -p:PublishReadyToRun=true "$@"
}

publish_app() {
  local out=$1; shift
  dotnet publish Langfuse.csproj -c Release -r "$(app_rid)" --self-contained false -p:PublishReadyToRun=true -nologo -v q -o "$out" "$@"
}
