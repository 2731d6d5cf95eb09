#!/usr/bin/env bash
# The sandbox's SFTP server against OpenSSH's sshd and sftp-server on the same machine, side by side in
# one run: downloading a ~100 MB extract with OpenSSH's sftp client from each (issue: within 2x), and the
# server's memory with 1 and with 200 sessions downloading at once. Installs Debian's openssh-server and
# openssh-sftp-server when missing (root). Usage: scripts/bench-sftp.sh [PERSONS] [RUNS] [SESSIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
persons=${1:-85000}
runs=${2:-5}
sessions=${3:-200}
if [ ! -x /usr/sbin/sshd ] || [ ! -x /usr/lib/openssh/sftp-server ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server openssh-sftp-server openssh-client >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/testdata" ./cmd/testdata
go build -o "$work/bench-sftp" ./scripts/bench-sftp
"$work/testdata" generate --persons "$persons" --format fixed --out "$work/out" >/dev/null
file=$(ls "$work"/out/D*.L* | head -n 1)
ls -l "$file"
"$work/bench-sftp" -file "$file" -runs "$runs" -sessions "$sessions"
