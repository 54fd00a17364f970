// Randomized testbench of nb_win_issue against a scoreboard. Tiles of random
// walks (positions per row, rows, stride, row and column pitches, first
// channel; single positions or pairs on an even row width; tiles of no
// windows too) start with a pulse; windows are issued at random cycles while
// there are some left, with idle cycles between tiles. Every cycle the
// counters must be those of position p, the windows issued so far:
// ox = p mod pos_w, oy = p div pos_w, iy0 = oy * stride, rowu = oy *
// row_step, colu = ox * col_step, colu1 = colu (+ col_step in pairs),
// sel_ptr = tile + p * col_step, n = p, more = p < windows (32-bit
// wrap-around, as the hardware's adders). Prints "N passed, N failed".
#include <cstdint>
#include <cstdio>
#include <random>

#include "Vnb_win_issue.h"
#include "tb_common.h"

int main(int argc, char** argv) {
  auto rng = tb::seeded(argc, argv);
  Vnb_win_issue top;
  top.start_i = 0;
  top.step_i = 0;
  tb::reset(top);

  int failures = 0, tiles = 0, windows_issued = 0, pair_tiles = 0, row_wraps = 0;
  auto check = [&](const char* what, uint64_t got, uint64_t want) {
    if (got == want) return;
    if (failures < 5)
      std::printf("tb_win_issue: tile %d, window %d: %s is %llu, expected %llu\n", tiles, windows_issued, what,
                  (unsigned long long)got, (unsigned long long)want);
    ++failures;
  };
  for (int t = 0; t < NB_TB_TILES && failures < 5; ++t) {
    // a tile's walk
    const bool pair = rng() % 2;
    uint32_t pos_w = 1 + uint32_t(rng() % NB_TB_MAX_W);
    if (pair && pos_w % 2) ++pos_w;
    const uint32_t out_h = 1 + uint32_t(rng() % 8);
    const uint32_t windows = rng() % 16 == 0 ? 0 : pos_w * out_h;
    const uint32_t stride = 1 + uint32_t(rng() % 2);
    // pitches: small ones as the compiler's, and any 32-bit value (wrap-around)
    const uint32_t row_step = rng() % 4 ? uint32_t(rng() % 100000) : uint32_t(rng());
    const uint32_t col_step = rng() % 4 ? uint32_t(rng() % 1000) : uint32_t(rng());
    const uint32_t tile = uint32_t(rng() % 65536);
    top.pos_w_i = pos_w;
    top.stride_i = stride;
    top.row_step_i = row_step;
    top.col_step_i = col_step;
    top.windows_i = windows;
    top.tile_i = tile;
    top.pair_i = pair;
    top.start_i = 1;
    tb::tick(top);
    top.start_i = 0;
    // the inputs that only matter at the start change to show they are not read later
    top.pair_i = rng() % 2;
    top.tile_i = uint32_t(rng() % 65536);
    ++tiles;
    pair_tiles += pair;
    const uint32_t per = pair ? 2 : 1;
    uint32_t p = 0;
    for (int guard = 0; guard < 100000 && failures < 5; ++guard) {
      top.step_i = 0;
      top.eval();
      const uint32_t ox = p % pos_w, oy = p / pos_w;
      check("pair", top.pair_o, pair);
      check("iy0", uint32_t(top.iy0_o), oy * stride);
      check("rowu", uint32_t(top.rowu_o), oy * row_step);
      check("colu", uint32_t(top.colu_o), ox * col_step);
      check("colu1", uint32_t(top.colu1_o), (ox + (pair ? 1 : 0)) * col_step);
      check("sel_ptr", top.sel_ptr_o, tile + p * col_step);
      check("n", top.n_o, p);
      check("more", top.more_o, p < windows);
      if (p >= windows) break;
      if (rng() % 100 < 70) {
        top.step_i = 1;
        p += per;
        ++windows_issued;
        if (p % pos_w == 0) ++row_wraps;
      }
      tb::tick(top);
    }
    top.step_i = 0;
    for (int gap = int(rng() % 4); gap > 0; --gap) tb::tick(top);
  }
  std::printf("tb_win_issue: %d tiles (%d in pairs), %d windows, %d row ends\n", tiles, pair_tiles, windows_issued,
              row_wraps);
  return tb::result(failures);
}
