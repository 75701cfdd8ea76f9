# syntax=docker/dockerfile:1
# Web stage: the web app's static files, built with Node 20 (the image itself carries no Node).
FROM node:20-bookworm-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/ ./
RUN npm run build

# Build stage: restore and publish the service (tests, benchmarks and local data are not part of the image).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Precompiled (ReadyToRun) for the image's processor by scripts/publish.sh, as run.sh and bench.sh publish.
COPY scripts/publish.sh scripts/
COPY Langfuse.csproj ./
RUN bash -c '. scripts/publish.sh && restore_app'
COPY Program.cs ./
COPY Features/ Features/
COPY Infrastructure/ Infrastructure/
COPY --from=web /web/dist web/dist/
RUN bash -c '. scripts/publish.sh && publish_app /app --no-restore -p:SkipWebBuild=true'

# Runtime stage: ASP.NET runtime only, as a non-root user. One container runs the API and the workers.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV PORT=3000 \
    HOSTNAME=0.0.0.0 \
    LANGFUSE_SERVICE_ROLE=all \
    DOTNET_gcServer=0
EXPOSE 3000
USER app
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["dotnet", "Langfuse.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "Langfuse.dll"]
