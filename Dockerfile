# syntax=docker/dockerfile:1
# KestrelTcp: multi-stage build. The SDK stage restores (NuGet + npm) and publishes; the runtime stage
# is the ASP.NET image running as its non-root "app" user with /data as a volume.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# Node.js and npm restore the dashboard's browser packages (package-lock.json).
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src

# Restore first, from the project files only, so the layer is cached until dependencies change.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/KestrelTcp.Protocols/KestrelTcp.Protocols.csproj src/KestrelTcp.Protocols/
COPY src/KestrelTcp.Server/KestrelTcp.Server.csproj src/KestrelTcp.Server/
RUN dotnet restore src/KestrelTcp.Server/KestrelTcp.Server.csproj
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

COPY appsettings.json ./
COPY wwwroot/ wwwroot/
COPY src/KestrelTcp.Protocols/ src/KestrelTcp.Protocols/
COPY src/KestrelTcp.Server/ src/KestrelTcp.Server/
RUN dotnet publish src/KestrelTcp.Server/KestrelTcp.Server.csproj -c Release -o /app --no-restore -p:SkipNpm=true

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app

# Every setting can be overridden with -e, e.g. -e KestrelTcp__Listeners__default__Port=9100.
# HTTP goes through the base image's own ASPNETCORE_HTTP_PORTS (set here to the value it already has, so
# it is written down): setting ASPNETCORE_URLS as well would make every start warn that it overrides it.
# The drain fits Docker's default stop grace of 10 s (docker stop, compose without stop_grace_period):
# allow longer with -e KestrelTcp__DrainTimeout=00:00:25 and docker stop -t 30.
ENV ASPNETCORE_HTTP_PORTS=8080 \
    KestrelTcp__DataPath=/data \
    KestrelTcp__DrainTimeout=00:00:08 \
    HEALTHCHECK_URL=http://127.0.0.1:8080/healthz \
    DOTNET_gcServer=0 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1

# Durable data (audit log, Data Protection keys) lives on a volume owned by the non-root user.
RUN mkdir -p /data && chown app:app /data
VOLUME ["/data"]

COPY --from=build --chown=root:root /app ./

USER app
# 8080: dashboard, API, hub and health; 9000: the default raw TCP listener.
EXPOSE 8080 9000

HEALTHCHECK --interval=15s --timeout=5s --start-period=15s --retries=3 \
  CMD ["dotnet", "/app/KestrelTcp.Server.dll", "healthcheck"]

# SIGTERM starts a graceful drain (KestrelTcp__DrainTimeout above, 8 s), shorter than the 10 s Docker
# waits by default before SIGKILL (Kubernetes waits 30 s; deploy/ sets longer grace periods and drains).
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "/app/KestrelTcp.Server.dll"]
