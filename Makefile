# The two commands of the README:
#   make demo   set up, then check the bundled sample photos (the main job)
#   make test   set up, then run every test
.PHONY: setup demo serve test eval bench load eval-text batch-demo postgres

setup:
	@bash scripts/setup.sh

demo: setup
	.venv/bin/certcheck check samples/photos/genuine-skill-level.jpg samples/photos/knockoff-serial.jpg

serve: setup
	.venv/bin/certcheck serve --host 127.0.0.1 --port 8000

test: setup
	.venv/bin/python -m pytest -q

eval: setup
	.venv/bin/python -m bench.evaluate --count 120 --seed 2027

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
