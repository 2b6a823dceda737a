#!/usr/bin/env bash
# Requests per second through gunicorn, against nginx serving a saved copy as the ceiling.
#
#   NEWSROOM_SQLITE_PATH=/tmp/bench.sqlite3 bench/throughput.sh
#   DATABASE_URL=postgres://.../bench bench/throughput.sh
#
# Run bench/generate.py on the same database first. Starts, on 127.0.0.1 only, two
# gunicorns (2 sync workers each, debug off), one with the page cache on and one with
# it off (NEWSROOM_PAGE_CACHE_SECONDS=0), and nginx serving the story page's HTML as a
# static file; runs `wrk -t2 -c32 -d10s` against each page, and against the cached story
# through another gunicorn with gthread workers (4 threads each), which keep connections
# open where sync workers close each one. Then the front cache of deploy/nginx/ in front
# of a third gunicorn sharing a Redis page cache: the story, section and home pages
# through it, each in turn with the same page saved as a static file, over several
# rounds of shorter runs, with the CPU that nginx's workers and wrk spend a request, and
# the story for readers who take gzip (the front cache's compressed copy, and a gzipped
# static file); then a check that after a story is changed (through the services, which
# refresh the front cache) the next request through nginx shows the change, plain and
# gzipped. Stops everything it started.
# nginx, wrk and redis-server come from Debian's packages and are installed if missing
# (needs root). BENCH_DURATION (10s), BENCH_FRONT_DURATION (3s), BENCH_ROUNDS (3),
# BENCH_PORT (18700: uses it and the next eight) and PYTHON override.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
GUNICORN="$(dirname "$PYTHON")/gunicorn"
DURATION=${BENCH_DURATION:-10s}
FRONT_DURATION=${BENCH_FRONT_DURATION:-3s}
ROUNDS=${BENCH_ROUNDS:-3}
PORT=${BENCH_PORT:-18700}
CACHED_PORT=$PORT
UNCACHED_PORT=$((PORT + 1))
NGINX_PORT=$((PORT + 2))
FRONT_PORT=$((PORT + 3))
FRONT_APP_PORT=$((PORT + 4))
REDIS_PORT=$((PORT + 5))
THREADED_PORT=$((PORT + 6))
PROXIED_FILE_PORT=$((PORT + 7))
COMPRESSOR_PORT=$((PORT + 8))

if [[ -z "${NEWSROOM_SQLITE_PATH:-}${DATABASE_URL:-}" ]]; then
    echo "Set NEWSROOM_SQLITE_PATH or DATABASE_URL to the database bench/generate.py filled." >&2
    exit 1
fi
command -v nginx >/dev/null || apt-get install -y nginx >/dev/null
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
command -v redis-server >/dev/null || apt-get install -y redis-server >/dev/null

work=$(mktemp -d)
chmod 755 "$work"  # nginx's workers run as an unprivileged user
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    [[ -f $work/redis.pid ]] && kill "$(cat "$work/redis.pid")" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

export DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=0
DJANGO_SECRET_KEY=$("$PYTHON" -c "import secrets; print(secrets.token_urlsafe(50))")
export DJANGO_SECRET_KEY
"$PYTHON" manage.py collectstatic --noinput --verbosity 0

declare -A url
while IFS='=' read -r key address; do
    url[$key]=$address
done < <("$PYTHON" bench/pages.py --urls)

start_gunicorn() {  # port, then extra environment
    local port=$1
    shift
    env "$@" GUNICORN_WORKERS=2 GUNICORN_BIND="127.0.0.1:$port" "$GUNICORN" \
        -c deploy/gunicorn.conf.py --error-logfile "$work/gunicorn-$port.log" newsroom.wsgi &
    pids+=($!)
}

wait_for() {  # url
    for _ in $(seq 1 100); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.2
    done
    echo "Nothing answered at $1; see the logs above." >&2
    cat "$work"/*.log >&2 || true
    exit 1
}

start_gunicorn "$CACHED_PORT" NEWSROOM_PAGE_CACHE_SECONDS=300  # per-worker memory: a bench never edits
start_gunicorn "$UNCACHED_PORT" NEWSROOM_PAGE_CACHE_SECONDS=0
start_gunicorn "$THREADED_PORT" NEWSROOM_PAGE_CACHE_SECONDS=300 GUNICORN_WORKER_CLASS=gthread \
    GUNICORN_THREADS=4
# Behind the front cache: a page cache shared with the process that changes a story.
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis.log"
REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
REFRESH_SECRET=$("$PYTHON" -c "import secrets; print(secrets.token_urlsafe(24))")
start_gunicorn "$FRONT_APP_PORT" REDIS_URL="$REDIS_URL"
wait_for "http://127.0.0.1:$CACHED_PORT/"
wait_for "http://127.0.0.1:$UNCACHED_PORT/"
wait_for "http://127.0.0.1:$THREADED_PORT/"
wait_for "http://127.0.0.1:$FRONT_APP_PORT/"

mkdir -p "$work/www"
# The ceiling: each timed page saved as a file, which nginx serves as it is.
curl -fsS -o "$work/www/story.html" "http://127.0.0.1:$CACHED_PORT${url[story]}"
curl -fsS -o "$work/www/section.html" "http://127.0.0.1:$CACHED_PORT${url[section]}"
curl -fsS -o "$work/www/home.html" "http://127.0.0.1:$CACHED_PORT/"
# For readers who take gzip: the story compressed as nginx compresses it (compression.conf).
gzip -5 -k "$work/www/story.html"
chmod -R a+rX "$work/www"
cat >"$work/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    proxy_cache_path $work/front-cache keys_zone=newsroom:10m max_size=256m inactive=1h
                     use_temp_path=off;
    include $PWD/deploy/nginx/front-cache-http.conf;
    map \$http_x_newsroom_refresh \$newsroom_refresh {
        default 0;
        "$REFRESH_SECRET" 1;
    }
    client_body_temp_path $work/client_body;
    proxy_temp_path $work/proxy;
    fastcgi_temp_path $work/fastcgi;
    uwsgi_temp_path $work/uwsgi;
    scgi_temp_path $work/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $work/www;
        default_type text/html;
        gzip_static on;
        # The same file-handle cache as the front cache's (deploy/nginx/front-cache.conf).
        open_file_cache max=10000 inactive=60s;
    }
    # As deploy/nginx/newsroom.conf: the front cache, with the compressor behind it.
    server {
        listen 127.0.0.1:$COMPRESSOR_PORT;
        include $PWD/deploy/nginx/compression.conf;
        include $PWD/deploy/nginx/compressor.conf;
        location / {
            proxy_pass http://127.0.0.1:$FRONT_APP_PORT;
        }
    }
    server {
        listen 127.0.0.1:$FRONT_PORT;
        proxy_set_header Host \$host;
        include $PWD/deploy/nginx/compression.conf;
        location / {
            proxy_pass http://127.0.0.1:$COMPRESSOR_PORT;
            include $PWD/deploy/nginx/front-cache.conf;
        }
    }
    # The static file through a proxy cache with nothing else: what any nginx proxy-cache
    # hit costs, with the file's own few headers, whoever the upstream is.
    proxy_cache_path $work/file-cache keys_zone=file:1m use_temp_path=off;
    server {
        listen 127.0.0.1:$PROXIED_FILE_PORT;
        location / {
            proxy_pass http://127.0.0.1:$NGINX_PORT;
            proxy_cache file;
            proxy_cache_valid 200 1h;
            open_file_cache max=10000 inactive=60s;
        }
    }
}
EOF
nginx -c "$work/nginx.conf" -p "$work" &
pids+=($!)
wait_for "http://127.0.0.1:$NGINX_PORT/story.html"

# nginx's CPU a request: its workers' user and system time (/proc/PID/stat) before and
# after a wrk run, over the requests answered; wrk's own likewise. The machine's other
# work slows both runs alike but adds nothing to these, so they compare the static file
# and the front cache more steadily than requests per second do.
nginx_workers=$(pgrep -P "$(cat "$work/nginx.pid")" -f "worker process" | tr '\n' ' ')
TIMEFORMAT='%3U %3S'  # `time`: wrk's user and system seconds

cpu_ticks() {  # pids: their user and system time so far, in clock ticks
    local total=0 pid stat fields
    for pid in "$@"; do
        stat=$(<"/proc/$pid/stat")
        read -r -a fields <<<"${stat##*) }"  # the fields after the process's name
        total=$((total + fields[11] + fields[12]))  # utime and stime, fields 14 and 15
    done
    echo "$total"
}

# url, duration[, a request header]: "requests/s nginx-µs wrk-µs" (CPU a request); warns
# on errors.
measure() {
    local before after wrk_cpu
    before=$(cpu_ticks $nginx_workers)
    wrk_cpu=$({ time timeout 60 wrk -t2 -c32 -d"$2" -H "${3:-Accept: */*}" "$1" >"$work/wrk.out"; } 2>&1)
    after=$(cpu_ticks $nginx_workers)
    if grep -q "Non-2xx" "$work/wrk.out"; then
        echo "warning: errors from $1: $(grep Non-2xx "$work/wrk.out")" >&2
    fi
    awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" -v wrk="$wrk_cpu" '
        / requests in / {requests = $1}
        /^Requests\/sec:/ {rate = $2}
        END {
            split(wrk, cpu, " ")
            nginx = ticks / hz * 1e6 / requests
            printf "%s %.2f %.2f\n", rate, nginx, (cpu[1] + cpu[2]) * 1e6 / requests
        }' "$work/wrk.out"
}

column_median() {  # file, column: the median of the column's numbers
    awk -v c="$2" '{print $c}' "$1" | sort -g |
        awk '{v[NR] = $1} END {print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

declare -a names=(
    "nginx, static story.html"
    "story, cached"
    "story, uncached"
    "section, cached"
    "section, uncached"
    "home, cached"
    "home, uncached"
    "story, cached, gthread"
)
declare -a urls=(
    "http://127.0.0.1:$NGINX_PORT/story.html"
    "http://127.0.0.1:$CACHED_PORT${url[story]}"
    "http://127.0.0.1:$UNCACHED_PORT${url[story]}"
    "http://127.0.0.1:$CACHED_PORT${url[section]}"
    "http://127.0.0.1:$UNCACHED_PORT${url[section]}"
    "http://127.0.0.1:$CACHED_PORT/"
    "http://127.0.0.1:$UNCACHED_PORT/"
    "http://127.0.0.1:$THREADED_PORT${url[story]}"
)

echo "wrk -t2 -c32 -d$DURATION on 127.0.0.1; gunicorn: 2 sync workers (gthread: 2 workers, 4 threads each), debug off"
printf '%-28s %10s %10s\n' "target" "req/s" "of nginx"
nginx_rate=""
for i in "${!names[@]}"; do
    curl -fsS -o /dev/null "${urls[$i]}"  # fills the page cache where it is on
    read -r r _ <<<"$(measure "${urls[$i]}" "$DURATION")"
    nginx_rate=${nginx_rate:-$r}
    printf '%-28s %10.0f %9.2f%%\n' "${names[$i]}" "$r" "$(awk "BEGIN {print 100 * $r / $nginx_rate}")"
done

# The front cache against each page saved as a file, in turn, ROUNDS times, so that both
# meet the same load: each row's share is the median of its rounds' shares of its file's
# rate in the same round.
static=http://127.0.0.1:$NGINX_PORT
front=http://127.0.0.1:$FRONT_PORT
gzipped="Accept-Encoding: gzip"
declare -a front_names=("story, static file" "story, nginx front cache" "section, static file"
    "section, nginx front cache" "home, static file" "home, nginx front cache"
    "story, static file proxy-cached" "story, static file, gzip" "story, front cache, gzip")
declare -a front_urls=("$static/story.html" "$front${url[story]}" "$static/section.html"
    "$front${url[section]}" "$static/home.html" "$front/"
    "http://127.0.0.1:$PROXIED_FILE_PORT/story.html" "$static/story.html" "$front${url[story]}")
declare -a front_headers=("" "" "" "" "" "" "" "$gzipped" "$gzipped")
declare -a front_ceilings=(0 0 2 2 4 4 0 7 7)  # the row each one is measured against
for i in "${!front_urls[@]}"; do
    # The front caches' first copies, and a check that gzip readers get gzip.
    encoding=$(curl -fsS -o /dev/null -w '%header{content-encoding}' \
        -H "${front_headers[$i]:-Accept: */*}" "${front_urls[$i]}")
    if [[ -n ${front_headers[$i]} && $encoding != gzip ]]; then
        echo "warning: ${front_names[$i]} is not answered gzipped" >&2
    fi
done
for round in $(seq 1 "$ROUNDS"); do
    for i in "${!front_urls[@]}"; do
        measure "${front_urls[$i]}" "$FRONT_DURATION" "${front_headers[$i]}" \
            >"$work/front-$i-$round"
    done
done
echo
echo "Each page as a static file and through the front cache in turn: $ROUNDS rounds"
echo "of wrk -t2 -c32 -d$FRONT_DURATION, medians. CPU: microseconds of CPU a request, of"
echo "nginx's workers and of wrk. By CPU: the static file's nginx + wrk CPU a request over"
echo "the row's, the share of the static file's rate that the same cores would give it"
echo "(and in each round)."
printf '%-32s %9s %10s %10s %10s %10s  %s\n' "target" "req/s" "of static" "nginx CPU" "wrk CPU" \
    "by CPU" "(rounds)"
for i in "${!front_urls[@]}"; do
    for round in $(seq 1 "$ROUNDS"); do
        read -r rate nginx_us wrk_us <"$work/front-$i-$round"
        ceiling=$work/front-${front_ceilings[$i]}-$round
        read -r static_rate static_nginx_us static_wrk_us <"$ceiling"
        awk "BEGIN {print $rate, $nginx_us, $wrk_us, 100 * $rate / $static_rate,
            100 * ($static_nginx_us + $static_wrk_us) / ($nginx_us + $wrk_us)}"
    done >"$work/front-$i"
    each_round=$(awk '{printf "%s%.0f", (NR > 1 ? " " : ""), $5}' "$work/front-$i")
    printf '%-32s %9.0f %9.2f%% %10.2f %10.2f %9.2f%%  (%s)\n' "${front_names[$i]}" \
        "$(column_median "$work/front-$i" 1)" "$(column_median "$work/front-$i" 4)" \
        "$(column_median "$work/front-$i" 2)" "$(column_median "$work/front-$i" 3)" \
        "$(column_median "$work/front-$i" 5)" "$each_round"
done

# After a change, the next reader through the front cache sees it, from either copy.
story_url="http://127.0.0.1:$FRONT_PORT${url[story]}"
curl -fsS -o /dev/null "$story_url"
curl -fsS -o /dev/null --compressed "$story_url"
headline=$(env REDIS_URL="$REDIS_URL" NEWSROOM_FRONT_CACHE_URL="http://127.0.0.1:$FRONT_PORT" \
    NEWSROOM_FRONT_CACHE_SECRET="$REFRESH_SECRET" "$PYTHON" bench/pages.py --change-story)
plain=$(curl -fsS "$story_url")
compressed=$(curl -fsS --compressed "$story_url")  # sends Accept-Encoding: gzip and more
if grep -qF "$headline" <<<"$plain" && grep -qF "$headline" <<<"$compressed"; then
    echo "After a change, the next request through the front cache shows it: yes (plain and gzip)"
else
    echo "After a change, the next request through the front cache shows it: NO" >&2
    exit 1
fi
