# medallion — the developer entry points. See README.md.
#
#   make up      install dependencies, build, generate the data once, run the pipeline,
#                serve the REST API
#   make test    install dependencies, build (normal, ASan+UBSan, fuzz) and run every test
#   make bench   run the benchmarks of the README's performance table
#   make fmt     clang-format the sources
#   make tidy    clang-tidy the sources

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
DATA_DIR   ?= data
LAKE       ?= data_lake
CQL_DATA   ?= cql_data
API_PORT   ?= 8000
SOURCE     ?= $(DATA_DIR)/assignment_data.jsonl.bz2
CTEST_JOBS ?= 2
MEDALLION  := $(BUILD)/src/cli/medallion

GENERATOR := -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
SOURCES   := $(shell git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc' 2>/dev/null)

.PHONY: all deps build build-asan build-fuzz test up bench fmt tidy clean

all: build

# Debian packages, then the npm peers (DuckDB) into $(BUILD)/peer, never the source tree.
deps:
	@scripts/install-deps
	@scripts/install-peers $(BUILD)/peer

# Configure once; afterwards ninja re-runs CMake itself when a CMakeLists changes.
$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) $(GENERATOR) \
	  -DMEDALLION_EXTRA_TEST_TREES="$(abspath $(ASAN_BUILD));$(abspath $(FUZZ_BUILD))"

$(ASAN_BUILD)/build.ninja:
	cmake -S . -B $(ASAN_BUILD) $(GENERATOR) -DMEDALLION_SANITIZE=ON -DMEDALLION_BENCH=OFF \
	  -DMEDALLION_TEST_PREFIX=asan.

$(FUZZ_BUILD)/build.ninja:
	cmake -S . -B $(FUZZ_BUILD) $(GENERATOR) -DMEDALLION_FUZZ=ON -DMEDALLION_BENCH=OFF \
	  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++

build: deps $(BUILD)/build.ninja
	@cmake --build $(BUILD)

build-asan: deps $(ASAN_BUILD)/build.ninja
	@cmake --build $(ASAN_BUILD)

build-fuzz: deps $(FUZZ_BUILD)/build.ninja
	@cmake --build $(FUZZ_BUILD)

# One CTest run covers all three trees (tests/extra_trees.cmake), so the last
# line printed is CTest's summary.
test: build build-asan build-fuzz
	@cd $(BUILD) && ctest --output-on-failure -j $(CTEST_JOBS)

$(SOURCE): | build
	@mkdir -p $(DATA_DIR)
	$(MEDALLION) gen --out $(SOURCE) --truth $(DATA_DIR)/assignment_data.truth.json

# The whole pipeline on the embedded CQL server (medallion up): land, refine,
# both streams and a summary; the insights and their chart; then the REST API
# on http://127.0.0.1:$(API_PORT) (Swagger UI at /docs) until Ctrl-C.
up: build $(SOURCE)
	$(MEDALLION) up --source $(SOURCE) --lake $(LAKE) --cql-data $(CQL_DATA) --no-serve
	$(MEDALLION) insights --lake $(LAKE) --chart $(DATA_DIR)/completed_per_country.svg
	$(MEDALLION) serve --lake $(LAKE) --cql-data $(CQL_DATA) --port $(API_PORT)

bench: build $(SOURCE)
	@scripts/bench $(MEDALLION) $(BUILD) $(DATA_DIR)

fmt:
	clang-format -i $(SOURCES)

tidy: $(BUILD)/build.ninja
	clang-tidy -p $(BUILD) --quiet $(filter %.cc,$(filter src/%,$(SOURCES)))

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
