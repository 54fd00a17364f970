#!/bin/sh
# A sweep split into 3 shards run by GNU parallel, merged, must equal the
# unsharded sweep (JSON and CSV). Usage: sweep_shards.sh NEUROBLEND WORKDIR
set -eu
NB=$1
W=$2
rm -rf "$W"
mkdir -p "$W"
GRID="--lanes 1,4,8,16,32 --words-per-lane 1,2 --macs 2,8 --xnor dsp,lut --calib 2 --no-plots"
"$NB" sweep neuroblend-20 $GRID -o "$W/all" >/dev/null
parallel --halt now,fail=1 "$NB" sweep neuroblend-20 $GRID --shard {}/3 -o "$W/shard{}" ::: 1 2 3
"$NB" sweep-merge "$W"/shard1/sweep.json "$W"/shard2/sweep.json "$W"/shard3/sweep.json -o "$W/merged" --no-plots
cmp "$W/all/sweep.json" "$W/merged/sweep.json"
cmp "$W/all/sweep.csv" "$W/merged/sweep.csv"
# A missing shard is refused.
if "$NB" sweep-merge "$W"/shard1/sweep.json "$W"/shard2/sweep.json -o "$W/bad" --no-plots 2>"$W/err"; then
  echo "merge of 2 of 3 shards succeeded" >&2
  exit 1
fi
grep -q "a shard is missing" "$W/err"
echo "sharded sweep (3 shards, GNU parallel) == unsharded sweep"
