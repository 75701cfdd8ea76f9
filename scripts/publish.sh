# Sourced by run.sh, bench.sh and the Dockerfile: publish_app OUT [dotnet args] builds the service into OUT,
# precompiled (ReadyToRun) for this machine's processor, so the JIT does not compete with the stores for the CPU
# while the service warms up (docs/ingestion-profile.md). Later publishes recompile only what changed.

# What a restore and the publish after it must agree on, or `publish --no-restore` finds no assets for its target:
# the runtime identifier ReadyToRun compiles for (this machine's processor) and ReadyToRun itself.
case "$(uname -m)" in
  aarch64|arm64) app_target=(-r linux-arm64 -p:PublishReadyToRun=true) ;;
  *) app_target=(-r linux-x64 -p:PublishReadyToRun=true) ;;
esac

# The restore a `publish_app … --no-restore` needs (the image restores before it copies the sources).
restore_app() {
  dotnet restore Langfuse.csproj "${app_target[@]}" "$@"
}

publish_app() {
  local out=$1; shift
  dotnet publish Langfuse.csproj -c Release "${app_target[@]}" --self-contained false -nologo -v q -o "$out" "$@"
}
