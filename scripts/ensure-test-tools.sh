#!/usr/bin/env bash
# The end-to-end tests drive ec2lite with the AWS CLI v2, which is Debian's awscli at /usr/bin/aws
# (an `aws` earlier on PATH may be v1). Install it when missing.
set -euo pipefail
if [ ! -x /usr/bin/aws ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null
  elif command -v sudo >/dev/null; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null
  else
    echo "The tests need the AWS CLI v2 at /usr/bin/aws: apt-get install awscli" >&2
    exit 1
  fi
fi
# The PostgreSQL store's tests need PostgreSQL (Debian's postgresql); scripts/run-tests.mjs starts it and makes a
# throwaway database. Without it those tests fail, and say why.
bash "$(dirname "$0")/test-postgres.sh" install || echo "ensure-test-tools: PostgreSQL could not be installed; its tests will fail" >&2
