#!/usr/bin/env bash
# Runs on the GPU machine from a folder made by bench/cuda-bundle: parity of the CUDA
# build with the CPU build, throughput of both, one epoch of fashion-cnn on each.
cd "$(dirname "$0")"
export NNC_DATA="$PWD/data"
nvidia-smi -L 2>/dev/null
echo "CPU cores: $(nproc)"
models=("fashion_cnn 784 1 10 10" "fashion_mlp 784 1 10 10" "cats_dogs_regularised 12288 1 1 2")
echo "== parity (CPU vs CUDA build; bound 1e-4 relative)"
for spec in "${models[@]}"; do
  set -- $spec
  echo "-- $1"
  timeout 120 ./device_parity "cpu/$1.so" "cuda/$1.so" "$1" "$2" "$3" "$4" "$5" 20
done
echo "== throughput (images/s; nnc_bench)"
echo "| model | measure | CPU build | CUDA build | ratio |"
echo "|---|---|---|---|---|"
for spec in "${models[@]}"; do
  set -- $spec
  for mode in "train 32" "train 128" "infer 256" "infer 1"; do
    cpu=$(timeout 60 ./nnc_bench "cpu/$1.so" "$1" $mode 1.5 "$2" "$3" "$4" "$5" 2>&1 |
          sed -n 's/.*"images_per_s": \([0-9.]*\).*/\1/p')
    gpu=$(timeout 60 ./nnc_bench "cuda/$1.so" "$1" $mode 1.5 "$2" "$3" "$4" "$5" 2>&1 |
          sed -n 's/.*"images_per_s": \([0-9.]*\).*/\1/p')
    ratio=$(awk -v a="${cpu:-0}" -v b="${gpu:-0}" 'BEGIN { if (a > 0) printf "%.1fx", b / a; else print "-" }')
    echo "| $1 | ${mode/ / b} | ${cpu:-failed} | ${gpu:-failed} | $ratio |"
  done
done
for dev in cuda cpu; do
  echo "== one epoch of fashion-cnn ($dev build), then its test accuracy"
  ( time timeout 300 "./$dev/fashion_cnn" fit --data fashion_mnist --epochs 1 --no-callbacks \
      --save "/tmp/nnc-$dev.ckpt" ) 2>&1 | tr '\r' '\n' | grep -v '^ *[0-9]*/[0-9]* \[' | tail -5
  "./$dev/fashion_cnn" evaluate --data fashion_mnist --weights "/tmp/nnc-$dev.ckpt"
done
