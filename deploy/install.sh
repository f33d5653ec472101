#!/bin/sh
# Install hienmau's systemd units: the web (gunicorn), the background worker (hienmau db_worker) and the
# timers (notify send-due every minute, report remind and outlook-alerts daily, uploads purge hourly,
# `hienmau purge` and `hienmau partitions` daily, a nightly backup).
#
#   deploy/install.sh [--dry-run] [--root DIR] [--app-dir DIR] [--user NAME] [--group NAME]
#                     [--env-file FILE] [--backup-dir DIR] [--no-start]
#
# --app-dir   where the project is checked out with its .venv (default: this checkout)
# --user      the service account (default hienmau; created as a system user when missing)
# --env-file  the environment file the units read (default /etc/hienmau/hienmau.env; a template with
#             every setting to fill in is written when it does not exist, readable by root only)
# --backup-dir where the nightly backup writes (default /var/backups/hienmau)
# --root DIR  install under DIR instead of / (unit files in DIR/etc/systemd/system, …)
# --dry-run   write only under --root (a new temporary folder when not given), never run useradd or
#             systemctl: print those commands instead. The tests install this way.
# --no-start  write and enable nothing that runs: no `systemctl enable --now`.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
app_dir=$(cd "$here/.." && pwd)
user=hienmau
group=
env_file=/etc/hienmau/hienmau.env
backup_dir=/var/backups/hienmau
root=
dry_run=0
start=1

while [ $# -gt 0 ]; do
    case "$1" in
        --dry-run) dry_run=1 ;;
        --no-start) start=0 ;;
        --root) root=$2; shift ;;
        --app-dir) app_dir=$2; shift ;;
        --user) user=$2; shift ;;
        --group) group=$2; shift ;;
        --env-file) env_file=$2; shift ;;
        --backup-dir) backup_dir=$2; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
group=${group:-$user}
if [ "$dry_run" = 1 ] && [ -z "$root" ]; then
    root=$(mktemp -d)
fi
if [ "$dry_run" = 1 ] && [ "$root" = / ]; then
    echo "install.sh: --dry-run writes only under a --root other than /" >&2
    exit 2
fi
root=${root%/}

# A command that changes the system: printed in a dry run, run otherwise.
run() {
    if [ "$dry_run" = 1 ]; then
        echo "would run: $*"
    else
        "$@"
    fi
}

unit_dir="$root/etc/systemd/system"
mkdir -p "$unit_dir"

if ! id -u "$user" >/dev/null 2>&1; then
    run useradd --system --home-dir "$app_dir" --shell /usr/sbin/nologin "$user"
fi

units=""
for source in "$here"/systemd/*.service "$here"/systemd/*.timer; do
    name=$(basename "$source")
    sed -e "s|@APP_DIR@|$app_dir|g" -e "s|@USER@|$user|g" -e "s|@GROUP@|$group|g" \
        -e "s|@ENV_FILE@|$env_file|g" -e "s|@BACKUP_DIR@|$backup_dir|g" "$source" >"$unit_dir/$name"
    chmod 0644 "$unit_dir/$name"
    echo "wrote $unit_dir/$name"
    units="$units $name"
done

env_target="$root$env_file"
if [ ! -e "$env_target" ]; then
    mkdir -p "$(dirname "$env_target")"
    (umask 077 && cat >"$env_target" <<ENV
# hienmau settings for the systemd units (deploy/install.sh wrote this template; fill it in).
DATABASE_URL=postgres://hienmau:PASSWORD@127.0.0.1:5432/hienmau
HIENMAU_SECRET_KEY=CHANGE-ME
HIENMAU_ALLOWED_HOSTS=hienmau.example.gov.vn
HIENMAU_CSRF_TRUSTED_ORIGINS=https://hienmau.example.gov.vn
HIENMAU_PUBLIC_BASE_URL=https://hienmau.example.gov.vn
HIENMAU_PROXY_COUNT=1
HIENMAU_VAR_DIR=$app_dir/var
HIENMAU_BIND=127.0.0.1:8000
ENV
    )
    echo "wrote $env_target (fill in the database, secret key and host names)"
fi

for dir in "$root$app_dir/var" "$root$backup_dir"; do
    mkdir -p "$dir"
    chmod 0700 "$dir"
done
run chown "$user:$group" "$root$app_dir/var" "$root$backup_dir"

run systemctl daemon-reload
if [ "$start" = 1 ]; then
    run systemctl enable --now hienmau-web.service hienmau-worker.service
    for name in $units; do
        case "$name" in *.timer) run systemctl enable --now "$name" ;; esac
    done
fi
if [ "$dry_run" = 1 ]; then
    echo "dry run: everything written is under $root"
fi
