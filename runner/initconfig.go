package runner

// InitConfig is the file `curate run --init-config` writes: every setting
// with the paper's value and a comment. Parsing it gives Default() (a test
// holds the two together).
const InitConfig = `# curate pipeline: curate run PIPELINE.yaml
# The settings of Motiejauskas & Dzemyda (2024), "EfficientNet CNN with Gram
# Matrices Modules for Predicting Sadness Emotion". Relative paths are relative
# to this file's folder. Unknown keys are errors. A rerun skips every stage
# whose options and inputs are unchanged (see ROOT/manifests/).

out: out          # output root: fetch/, filtered/, dataset/, train/, eval/, report/, manifests/
seed: 1           # seed of every random choice (split, training order, augmentation)
threads: 0        # CPU threads for OCR, split and training; 0 = all cores
demo: false       # true: fetch the embedded demo images from a loopback server (fetch.lists unused)
demo_images: 240  # demo: how many scenes to draw

fetch:            # curate fetch --help
  lists: [train25.txt, test25.txt]   # WEBEmo's URL lists ("<URL> <label>" lines), or CSV/TSV/JSONL
  categories: category.txt           # WEBEmo's label table; "" = the released table
  workers: 64                        # URLs worked on at once
  per_host: 16                       # requests in flight per host
  user_agent: ""                     # "" = curate/<version> (+project URL)
  timeout: 30s                       # per request, headers and body
  retries: 4                         # retries of timeouts, connection errors, 5xx and 429
  backoff: 1s                        # first retry waits about this long, doubling
  max_bytes: 20971520                # largest image (20 MiB)
  max_pixels: 40000000               # largest width*height
  allow_private: false               # allow loopback/private addresses
  shard_bytes: 268435456             # shard size target (256 MiB)

filter_text:      # curate filter-text --help: drop images that show text (the paper's OCR step)
  detector:
    min_confidence: 60               # word confidence (0..100) below which a word is ignored
    strong_confidence: 65            # confidence at which one word decides alone
    min_chars: 3                     # letters or digits a word needs
    strong_chars: 4                  # letters or digits of a word that decides alone
    min_words: 2                     # words on one line that decide together
    min_word_height: 5               # smallest word box height in pixels
    upscale_to: 640                  # upscale smaller images for the sparse passes
    max_side: 1600                   # downscale larger images first
    min_edge_density: 0.004          # edge share below which an image is decided without OCR
    texture_edge_density: 1          # edge share above which only the first pass runs (1: never)
    passes: [regions, regions-grey, regions-large, regions-coarse, local, otsu, steep, steep-dark, steep-stack]  # see curate filter-text --help
  sheet_pages: 0                     # contact-sheet pages of dropped images; 0 = all, -1 = none
  shard_bytes: 268435456
  tessdata: ""                       # folder with eng.traineddata; "" = the standard places

split:            # curate split --help
  positive: sadness                  # level-2 emotion of the positive class
  conflicts: drop                    # images listed with both classes: drop, positive, negative
  near_distance: 10                  # near-duplicate perceptual-hash distance; -1 = exact copies only
  keep_duplicates: false
  ratio: 0.46                        # sadness share after undersampling (61,074 images, ~46%)
  max_per_class: 0                   # cap per class; 0 = none
  train: 0.8
  validation: 0.1
  test: 0.1
  size: 256                          # 256x256 RGB input
  resize: squash                     # squash, center-crop or pad
  format: jpeg
  quality: 95

train:            # curate train --help (keys are its flags)
  backbone: b2                       # EfficientNetV2-B2 (b0, b1, b2, b3, s; tiny for demos)
  gram: 4                            # Gram-matrix modules k (the paper's best); 0 = the baseline
  size: 256                          # input side
  epochs: 25
  batch: 64                          # per accelerator
  lr: 0.002                          # Adagrad
  augment: tf                        # RandAugment convention during training: tf, torchvision or none
  n: 3                               # RandAugment ops per image
  m: 7                               # RandAugment magnitude
  init: ""                           # pretrained weights (efficientnetv2-b2_notop.h5, timm safetensors); "" = random
  freeze_until: ""                   # freeze layers up to this Keras layer name
  seeds: []                          # several seeds: one run each and summary.json (the paper: 5); [] = [seed]
  checkpoint_every: 0                # also checkpoint every N steps
  skip_bad: false                    # skip images that do not decode rather than fail

eval:             # curate eval --help: the best checkpoint on a split of the dataset
  split: test
  threshold: 0.5
  batch: 0                           # 0 = train.batch

report:           # curate report --help
  title: curate report
  examples: 8                        # images per example grid
  sheets: 4                          # contact-sheet pages embedded; -1 = none
`
