#!/usr/bin/env bash
# The training runs behind models/RESULTS.md. Usage, from the repository root:
#   models/results/run.sh [g2gnet|speed|batches|circuitnet|rows|elm|all]   (default all)
# Needs ../shared/data (MNIST test set, Fashion-MNIST subset) and, for the PyTorch columns,
# /usr/bin/python3 with torch. Each run writes its per-epoch JSON lines to models/results/logs/;
# an existing log is kept (delete it to run again). Learning curves: models/results/*.svg.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${GANGLION_DATA:-../shared/data}
LOGS=models/results/logs
REF=models/src/test/python/train_reference.py
mkdir -p "$LOGS"
MNIST=(--data "$DATA/mnist-t10k" --train-size 8000 --test-size 2000)
FASHION=(--data "$DATA/fashion-mnist-subset" --train-size 3000 --test-size 615)

run() { # NAME ganglion-train-args...
  local name=$1; shift
  [[ -s $LOGS/$name.jsonl ]] && return 0
  echo "== $name: ./ganglion train $*"
  ./ganglion train "$@" --log "$LOGS/$name.jsonl.tmp" > /dev/null && mv "$LOGS/$name.jsonl.tmp" "$LOGS/$name.jsonl"
}
torchrun() { # NAME train_reference-args...
  local name=$1; shift
  [[ -s $LOGS/$name.jsonl ]] && return 0
  echo "== $name: $REF $*"
  /usr/bin/python3 "$REF" "$@" --json > "$LOGS/$name.jsonl.tmp" 2> /dev/null && mv "$LOGS/$name.jsonl.tmp" "$LOGS/$name.jsonl"
}
curves() { /usr/bin/python3 models/results/curves.py "$@"; }
step_pair() { # BATCH THREADS REPEAT WARMUP_MS OUT: G2GNet's and the dense MLP's training steps in one JVM, samples interleaved
  ./ganglion bench step-g2gnet --versus mlp --batch "$1" --set hidden_size=1024 --threads "$2" --repeat "$3" \
    --warmup-ms "$4" --json > "$5"
}
epoch_median() { # LOG SKIP: the median seconds per epoch of a --log file, its first SKIP epochs left out
  /usr/bin/python3 -c 'import json, statistics, sys
print(round(statistics.median([e["seconds"] for e in map(json.loads, open(sys.argv[1])) if "seconds" in e][int(sys.argv[2]):]), 3))' "$1" "$2"
}
ratio() { /usr/bin/python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")' "$1" "$2"; }

g2gnet() { # dense MLP vs G2GNet index/mixer/random (~74 % sparse), static vs DST (Hebbian regrowth), 3 seeds
  local common=(--task idx --epochs 10 --batch 128 --lr 1e-3 --threads 2 --set hidden_size=1024)
  for ds in mnist fashion; do
    local data=("${MNIST[@]}"); [[ $ds == fashion ]] && data=("${FASHION[@]}")
    for seed in 0 1 2; do
      run "$ds-mlp-s$seed" mlp "${common[@]}" "${data[@]}" --seed $seed
      for g in index mixer random; do
        run "$ds-g2g-$g-s$seed" g2gnet "${common[@]}" "${data[@]}" --seed $seed --set grouping=$g --set seed=$seed
      done
      run "$ds-g2g-index-dst-s$seed" g2gnet "${common[@]}" "${data[@]}" --seed $seed --set seed=$seed \
        --set dst=true --set update_interval=100 --set prune=magnitude --set regrow=hebbian
    done
    local prefix=t10k; [[ $ds == fashion ]] && prefix=train
    torchrun "$ds-g2g-index-torch-masked" g2gnet --task idx --data "${data[1]}" --prefix $prefix \
      --train-size "${data[3]}" --test-size "${data[5]}" --epochs 3 --batch 128 --lr 1e-3 --threads 2
    torchrun "$ds-mlp-torch" mlp --task idx --data "${data[1]}" --prefix $prefix \
      --train-size "${data[3]}" --test-size "${data[5]}" --epochs 3 --batch 128 --lr 1e-3 --threads 2
    curves "models/results/$ds-g2gnet.svg" --title "$ds: test accuracy, seed 0 (H=1024, 3 layers)" \
      "mlp=$LOGS/$ds-mlp-s0.jsonl" "g2g index=$LOGS/$ds-g2g-index-s0.jsonl" "g2g mixer=$LOGS/$ds-g2g-mixer-s0.jsonl" \
      "g2g random=$LOGS/$ds-g2g-random-s0.jsonl" "g2g index DST=$LOGS/$ds-g2g-index-dst-s0.jsonl"
  done
}

speed() { # G2GNet (static, and DST from step 100 on) vs dense MLP epoch time on MNIST (8 epochs, median of epochs 5-8), then the paired training step, 1 and 2 threads; always re-run
  # Why epochs 5-8: on 2 threads C2 compiles the kernels while both cores train, and epochs 2-4 were
  # still 10-45 % slower than the steady state reached from epoch 5 on (10-epoch runs, both models).
  local dir=$LOGS/speed
  rm -rf "$dir"; mkdir -p "$dir"
  local dst=(--set dst=true --set update_interval=100 --set prune=magnitude --set regrow=hebbian)
  for t in 1 2; do
    for m in mlp g2gnet g2gnet-dst; do
      ./ganglion train ${m%-dst} --task idx "${MNIST[@]}" --epochs 8 --batch 128 --lr 1e-3 --threads $t --seed 0 \
        --set hidden_size=1024 $([ $m = g2gnet-dst ] && echo "${dst[@]}") --log "$dir/$m-t$t.jsonl" > /dev/null
    done
    local m g d
    m=$(epoch_median "$dir/mlp-t$t.jsonl" 4); g=$(epoch_median "$dir/g2gnet-t$t.jsonl" 4)
    d=$(epoch_median "$dir/g2gnet-dst-t$t.jsonl" 4)
    echo "$t thread(s): mlp $m s/epoch, g2gnet $g s/epoch, g2gnet speed-up $(ratio "$m" "$g")x; g2gnet with DST $d" \
      "s/epoch (a rewiring every 100 steps: in epochs 5, 7 and 8)"
    # The same ratio on the training step, both models in one JVM with their samples interleaved, so
    # the machine's drift between the runs above does not enter it.
    step_pair 128 $t 60 8000 "$dir/step-pair-t$t.jsonl"
    /usr/bin/python3 - "$dir/step-pair-t$t.jsonl" <<'PY'
import json, sys
g, m = [json.loads(line) for line in open(sys.argv[1])]
print(f"{g['threads']} thread(s), training steps side by side: g2gnet {g['median_ms']} ms, mlp {m['median_ms']} ms, "
      f"g2gnet speed-up {g['speedup']}x (median of the ratios of 60 paired samples)")
PY
  done
}

batches() { # the G2GNet/MLP ratio by batch size, 1 thread: paired steps at 16-128, epochs at 32 and 64; always re-run
  local dir=$LOGS/speed-batches
  rm -rf "$dir"; mkdir -p "$dir"
  for b in 16 32 64 128; do
    for r in 1 2; do
      step_pair $b 1 40 5000 "$dir/step-pair-b$b-r$r.jsonl"
    done
  done
  # epochs: the two models alternating, so the host's drift falls on both
  local b r m g
  for b in 32 64; do
    for r in 1 2 3; do
      for m in g2gnet mlp; do
        ./ganglion train $m --task idx "${MNIST[@]}" --epochs 6 --batch $b --lr 1e-3 --threads 1 --seed 0 \
          --set hidden_size=1024 --log "$dir/$m-b$b-r$r.jsonl" > /dev/null
      done
    done
  done
  for b in 16 32 64 128; do
    echo "batch $b: paired steps, g2gnet speed-up" \
      "$(for r in 1 2; do head -n1 "$dir/step-pair-b$b-r$r.jsonl"; done | /usr/bin/python3 -c \
        'import json, sys; print(", ".join(str(json.loads(l)["speedup"]) + "x" for l in sys.stdin))')"
  done
  for b in 32 64; do
    for r in 1 2 3; do
      m=$(epoch_median "$dir/mlp-b$b-r$r.jsonl" 2); g=$(epoch_median "$dir/g2gnet-b$b-r$r.jsonl" 2)
      echo "batch $b, pair $r: mlp $m s/epoch, g2gnet $g s/epoch, speed-up $(ratio "$m" "$g")x (median of epochs 3-6)"
    done
  done
}

circuitnet() { # CircuitNet (models.md defaults) vs an MLP of the same parameter count; ablations
  local f=(--task function --epochs 30 --batch 64 --threads 2)
  for seed in 0 1 2; do
    run "fn-circuitnet-s$seed" circuitnet "${f[@]}" --lr 3e-3 --seed $seed --set seed=$seed \
      --set units=16 --set neurons=32 --set ports=8
    run "fn-mlp192-s$seed" mlp "${f[@]}" --lr 3e-3 --seed $seed --set hidden_size=192 --set num_layers=2
    run "fn-circuitnet-lr1e-3-s$seed" circuitnet "${f[@]}" --lr 1e-3 --seed $seed --set seed=$seed \
      --set units=16 --set neurons=32 --set ports=8
  done
  run "fn-circuitnet-tanh" circuitnet "${f[@]}" --lr 3e-3 --seed 0 --set units=16 --set neurons=32 --set ports=8 \
    --set activation=tanh
  for off in use_linear use_product use_attention use_inter; do
    run "fn-circuitnet-no-$off" circuitnet "${f[@]}" --lr 3e-3 --seed 0 --set units=16 --set neurons=32 --set ports=8 \
      --set $off=false
  done
  # the PyTorch reference model trained the same way (its own data generator), as a check on Ganglion's training
  torchrun "fn-circuitnet-torch" circuitnet --task function --train-size 4000 --test-size 1000 --epochs 30 --batch 64 \
    --lr 3e-3 --threads 2 --seed 0 --set units=16 --set neurons=32 --set ports=8
  run "mnist-circuitnet-s0" circuitnet --task idx "${MNIST[@]}" --epochs 10 --batch 128 --lr 3e-3 --threads 2 \
    --set units=16 --set neurons=32 --set ports=8
  run "mnist-mlp148-s0" mlp --task idx "${MNIST[@]}" --epochs 10 --batch 128 --lr 1e-3 --threads 2 \
    --set hidden_size=148 --set num_layers=2
  curves models/results/function-circuitnet.svg --title "function: test RRSE, seed 0" \
    "circuitnet=$LOGS/fn-circuitnet-s0.jsonl" "mlp 192×2=$LOGS/fn-mlp192-s0.jsonl" \
    "no linear=$LOGS/fn-circuitnet-no-use_linear.jsonl" "no product=$LOGS/fn-circuitnet-no-use_product.jsonl" \
    "no attention=$LOGS/fn-circuitnet-no-use_attention.jsonl" "no port links=$LOGS/fn-circuitnet-no-use_inter.jsonl"
}

rows() { # sequential MNIST by rows: LSTM, subLSTM, fix-subLSTM at H=100, Ganglion and PyTorch, 1 thread each
  for m in lstm sublstm fix-sublstm; do
    run "rows-$m" $m --task mnist-rows "${MNIST[@]}" --set hidden_size=100 --epochs 10 --batch 128 --lr 1e-2 --threads 1
    torchrun "rows-$m-torch" $m --task mnist-rows --data "$DATA/mnist-t10k" --prefix t10k --train-size 8000 \
      --test-size 2000 --set hidden_size=100 --epochs 10 --batch 128 --lr 1e-2 --threads 1
  done
  curves models/results/mnist-rows.svg --title "sequential MNIST by rows: test accuracy (H=100)" \
    "lstm=$LOGS/rows-lstm.jsonl" "sublstm=$LOGS/rows-sublstm.jsonl" "fix-sublstm=$LOGS/rows-fix-sublstm.jsonl" \
    "lstm torch=$LOGS/rows-lstm-torch.jsonl" "sublstm torch=$LOGS/rows-sublstm-torch.jsonl" \
    "fix-sublstm torch=$LOGS/rows-fix-sublstm-torch.jsonl"
}

elm() { # ELM (d_m = 100) against an LSTM (H = 100) on delayed recall and adding
  local c=(--batch 64 --lr 3e-3 --threads 2 --clip 1)
  for t in 200 1000; do
    local n=2000; [[ $t == 1000 ]] && n=1000
    run "recall$t-elm" elm --task recall --seq-len $t --train-size $n --test-size 500 --epochs 10 "${c[@]}" \
      --set num_memory=100
    run "recall$t-lstm" lstm --task recall --seq-len $t --train-size $n --test-size 500 --epochs 10 "${c[@]}" \
      --set hidden_size=100
  done
  # the PyTorch reference model trained the same way (its own data generator), as a check on Ganglion's training
  torchrun "recall200-elm-torch" elm --task recall --seq-len 200 --train-size 2000 --test-size 500 --epochs 10 \
    "${c[@]}" --set num_memory=100
  run "adding200-elm" elm --task adding --seq-len 200 --train-size 2000 --test-size 500 --epochs 10 "${c[@]}" \
    --set num_memory=100
  run "adding200-lstm" lstm --task adding --seq-len 200 --train-size 2000 --test-size 500 --epochs 10 "${c[@]}" \
    --set hidden_size=100
  curves models/results/recall.svg --title "delayed recall: test accuracy" \
    "elm T=200=$LOGS/recall200-elm.jsonl" "lstm T=200=$LOGS/recall200-lstm.jsonl" \
    "elm T=1000=$LOGS/recall1000-elm.jsonl" "lstm T=1000=$LOGS/recall1000-lstm.jsonl"
}

what=${1:-all}
case $what in
  all) g2gnet; circuitnet; rows; elm ;;
  g2gnet|speed|batches|circuitnet|rows|elm) $what ;;
  *) echo "usage: $0 [g2gnet|speed|batches|circuitnet|rows|elm|all]" >&2; exit 2 ;;
esac
