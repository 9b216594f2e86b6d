# The two commands of the README:
#   make demo   set up, then check the bundled sample photos (the main job)
#   make test   set up, then run every test
.PHONY: setup setup-runtime demo serve test eval eval-marks eval-real eval-designs eval-fields eval-detectors-real bench load eval-text \
	hostile hostile-load batch-demo postgres image-test

setup:
	@bash scripts/setup.sh

# What checking needs, nothing of the test toolchain (make demo, make serve).
setup-runtime:
	@bash scripts/setup.sh runtime

demo: setup-runtime
	.venv/bin/certcheck check --issuers samples/registry/demo-issuers.csv samples/photos/genuine-skill-level.jpg \
	  samples/photos/knockoff-serial.jpg samples/photos/knockoff-wording.jpg

serve: setup-runtime
	.venv/bin/certcheck serve --host 127.0.0.1 --port 8000

test: setup
	.venv/bin/python -m pytest -q

eval: setup
	.venv/bin/python -m bench.evaluate --count 120 --seed 2027

# The codes of the registry and the detectors, on every official design (their variants are not in the default mix).
eval-marks: setup
	.venv/bin/python -m bench.evaluate --count 120 --seed 2028 --out bench/results/evaluation_marks_registry.json \
	  --conditions scan phone hard \
	  --designs skill_level_2021 skill_level_2021_china_employer qualification_booklet special_ability professional_qualification \
	  --variants genuine unregistered_issuer blacklisted_issuer revoked_issuer out_of_scope not_in_catalogue \
	    id_check_digit_wrong future_issue_date serial_year_mismatch serial_level_mismatch emblem_colour emblem_red \
	    emblem_black emblem_large watermark_qualification watermark_prc watermark_emblem foreign_seal missing_seal \
	    qr_unofficial qr_contradicts impersonated_seal

# Real documents of ../shared/real-images (read in place; skips when absent): false alarms per class, documents
# recognised as not certificates, knock-off content printed onto real certificates at run time, real published texts.
eval-real: setup
	.venv/bin/python -m bench.evaluate_real

# Designs the built-ins are not drawn from, each registered from one sample through the CLI.
eval-designs: setup
	.venv/bin/python -m bench.evaluate_designs

# Fields on real layouts against the hand-marked bench/fields_truth.yaml (real images read in place).
eval-fields: setup
	.venv/bin/python -m bench.evaluate_fields

# Seals, seal text and the emblem on the real images against bench/detector_truth.yaml.
eval-detectors-real: setup
	.venv/bin/python -m bench.evaluate_detectors --sections real

# The hostile-input corpus through the pipeline (answers, peak RSS per case), and 50 simultaneous uploads of it.
hostile: setup
	.venv/bin/python -m bench.hostile

hostile-load: setup
	.venv/bin/python -m bench.hostile --concurrent 50 --queue-size 8

bench: setup
	.venv/bin/python -m bench.benchmark --count 12 --seed 11

load: setup
	.venv/bin/python -m bench.load --workers 1 2

eval-text: setup
	.venv/bin/python -m bench.evaluate_text

batch-demo: setup
	.venv/bin/certcheck batch samples/photos --out out/batch --annotate

postgres:
	@bash scripts/ci-postgres.sh

# Builds the Docker image, runs it with a data volume and checks it (scripts/image-test.sh).
image-test:
	bash scripts/image-test.sh
