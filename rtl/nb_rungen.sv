// Window run generator: for one output position it walks the k rows of the
// input window and emits, per cycle, a chunk of up to U units (bits of the
// bit-packed activations, or int8 bytes) of the row's run of k pixels,
// channel innermost, so the chunks concatenate to the window in (ky, kx, c)
// order. Out-of-image pixels are masked off: zero bits (-1) on the binary
// path, int8 0 on the fixed-point path (DESIGN §4 padding).
// Addresses come from counters: the caller gives the window's top row and
// its row and column offsets in units (stepped by the descriptor's pitches),
// and each kernel row adds the row pitch; nothing is multiplied.
// It mirrors the downstream gearbox's fill and leaves a one-cycle gap after
// a window whose last chunk makes the gearbox flush.
module nb_rungen #(
  parameter int U = 48
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  start_i,       // begin a window
  input  logic signed [31:0]    iy0_i,         // oy * stride: the window's top row before padding
  input  logic signed [31:0]    rowu0_i,       // oy * stride * in_w * c: that row's first unit
  input  logic signed [31:0]    colu_i,        // ox * stride * c: the window's first column, in units
  input  logic [15:0]           k_i,           // kernel rows
  input  logic [15:0]           pad_i,         // padding (rows)
  input  logic [31:0]           pad_units_i,   // pad * c
  input  logic [31:0]           pad_rows_i,    // pad * in_w * c
  input  logic [31:0]           run_i,         // k * c: units of one window row
  input  logic [15:0]           in_h_i,
  input  logic [31:0]           in_row_units_i,  // in_w * c
  output logic                  ready_o,       // start_i is taken this cycle (idle, or on a window's last chunk)
  output logic                  valid_o,
  output logic [31:0]           addr_o,        // unit address of the chunk's unit 0 (may wrap)
  output logic [$clog2(U+1)-1:0] count_o,
  output logic [$clog2(U+1)-1:0] lo_o,         // the chunk's units [lo_o, hi_o) lie inside the image
  output logic [$clog2(U+1)-1:0] hi_o,         // (none: hi_o <= lo_o; hi_o is 0 on a row outside it)
  output logic                  last_o         // the window's final chunk
);
  localparam int CW = $clog2(U + 1);
  // Every per-chunk quantity is a register stepped by a constant, so the
  // outputs are a few LUT levels from flip-flops (200 MHz): per window, the
  // units of a row before and past the image (lead, and the row's in-image
  // end hitop = run - trail); per row, whether it is inside the image; per
  // chunk, the address and three down-counters from the row's start: units
  // left in the run, and the in-image start and end relative to the chunk.
  logic busy_q, gap_q;
  logic signed [31:0] iy_q;                 // the row's input y
  logic row_valid_q;                        // 0 <= iy_q < in_h
  logic [31:0] rowaddr_q, addr_q;           // the row's first unit; the chunk's
  logic signed [31:0] lead_q, hitop_q;      // per window
  logic signed [31:0] left_q, lo_q, hi_q;   // run - off, lead - off, hitop - off
  logic row_end_q;                          // left_q <= U: the row's last chunk
  logic [CW-1:0] cnt_q;                     // min(left_q, U): the chunk's units
  logic [15:0] r_q;
  logic last_row_q;                         // r_q == k - 1
  logic [CW-1:0] fill_q;  // units in the gearbox's partial word
  logic signed [31:0] hi_rel;
  logic [CW-1:0] lo_c, hi_c;
  logic row_end, flush;
  logic [CW:0] fill_sum;
  always_comb begin
    row_end = row_end_q;
    count_o = cnt_q;
    valid_o = busy_q && !gap_q;
    addr_o = addr_q;
    last_o = row_end && last_row_q;
    // Units [lo, hi) of the chunk lie inside the image: clamped to the
    // chunk (the caller decodes them into a mask a stage later: the
    // thermometer codes of U units are not on this path).
    hi_rel = hi_q > signed'(32'(count_o)) ? signed'(32'(count_o)) : hi_q;
    lo_c = lo_q < 0 ? '0 : (lo_q > U ? CW'(U) : CW'(lo_q));
    hi_c = hi_rel < 0 ? '0 : CW'(hi_rel);
    lo_o = lo_c;
    hi_o = row_valid_q ? hi_c : '0;
    fill_sum = (CW+1)'(fill_q) + (CW+1)'(count_o);
    flush = last_o && fill_sum > (CW+1)'(U);
  end
  // ready_o is a register: the next cycle's value is worked out from the
  // next state (the issue decision that reads it is then a few LUTs from
  // flip-flops); an assertion checks it against its definition,
  // !busy || (!gap && last && !flush).
  logic ready_q;
  assign ready_o = ready_q;

  // a window's start values, from its position and the layer's pitches
  logic signed [31:0] ixu0, iy_start, lead0, inrow0, hitop0;
  logic [31:0] rowaddr0;
  always_comb begin
    ixu0 = colu_i - signed'(pad_units_i);                          // may be negative
    iy_start = iy0_i - signed'(32'(pad_i));
    rowaddr0 = 32'(rowu0_i - signed'(pad_rows_i)) + 32'(ixu0);
    lead0 = ixu0 < 0 ? -ixu0 : 32'sd0;
    inrow0 = signed'(in_row_units_i) - ixu0;                       // units from the window to the row's end
    hitop0 = inrow0 < signed'(run_i) ? inrow0 : signed'(run_i);    // run - trail
  end
  logic signed [31:0] iy_next, left_next;
  logic run_end;          // a row's first chunk is its last
  logic [CW-1:0] run_cnt; // and has this many units
  assign iy_next = iy_q + 32'sd1;
  assign left_next = left_q - signed'(32'(U));
  // left_next <= U, compared on the register (left_q is a run's units left,
  // 1..run: no wrap-around), so that the subtract is not in front of the
  // compare on the path into ready_d
  logic next_row_end;
  assign next_row_end = left_q <= signed'(32'(2 * U));
  assign run_end = signed'(run_i) <= U;
  assign run_cnt = run_end ? CW'(run_i) : CW'(U);
  // the next chunk of a window that goes on (busy, not its last chunk)
  logic row_end_d, last_row_d;
  logic [CW-1:0] cnt_d, fill_d;
  logic [CW:0] fill_sum_d;
  always_comb begin
    row_end_d = row_end ? run_end : next_row_end;
    cnt_d = row_end ? run_cnt : (next_row_end ? CW'(left_next) : CW'(U));
    last_row_d = row_end ? r_q + 16'd2 == k_i : last_row_q;
    fill_d = fill_sum >= (CW+1)'(U) ? CW'(fill_sum - (CW+1)'(U)) : CW'(fill_sum);
    fill_sum_d = (CW+1)'(fill_d) + (CW+1)'(cnt_d);
  end
  logic ready_d;
  always_comb begin
    if (gap_q) ready_d = 1'b1;                                        // idle next
    else if (start_i && ready_o) ready_d = run_end && k_i == 16'd1;   // a new window's first chunk
    else if (!busy_q) ready_d = 1'b1;
    else if (last_o) ready_d = !flush;                                // idle, or the flush gap
    else ready_d = row_end_d && last_row_d && !(fill_sum_d > (CW+1)'(U));
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      gap_q <= 1'b0;
      iy_q <= '0;
      row_valid_q <= 1'b0;
      rowaddr_q <= '0;
      addr_q <= '0;
      lead_q <= '0;
      hitop_q <= '0;
      left_q <= '0;
      row_end_q <= 1'b0;
      cnt_q <= '0;
      lo_q <= '0;
      hi_q <= '0;
      r_q <= '0;
      last_row_q <= 1'b0;
      fill_q <= '0;
      ready_q <= 1'b1;
    end else if (gap_q) begin
      gap_q <= 1'b0;
      busy_q <= 1'b0;
      ready_q <= ready_d;
    end else begin
      ready_q <= ready_d;
      if (busy_q) begin
        fill_q <= last_o ? '0 : fill_d;
        row_end_q <= row_end_d;
        cnt_q <= cnt_d;
        last_row_q <= last_row_d;
        if (row_end) begin
          r_q <= r_q + 16'd1;
          iy_q <= iy_next;
          row_valid_q <= iy_next >= 0 && iy_next < signed'(32'(in_h_i));
          rowaddr_q <= rowaddr_q + in_row_units_i;
          addr_q <= rowaddr_q + in_row_units_i;
          left_q <= signed'(run_i);
          lo_q <= lead_q;
          hi_q <= hitop_q;
        end else begin
          addr_q <= addr_q + 32'(U);
          left_q <= left_next;
          lo_q <= lo_q - signed'(32'(U));
          hi_q <= hi_q - signed'(32'(U));
        end
        if (last_o) begin
          if (flush) gap_q <= 1'b1;
          else busy_q <= 1'b0;
        end
      end
      if (start_i && ready_o) begin  // back to back with the previous window
        busy_q <= 1'b1;
        iy_q <= iy_start;
        row_valid_q <= iy_start >= 0 && iy_start < signed'(32'(in_h_i));
        rowaddr_q <= rowaddr0;
        addr_q <= rowaddr0;
        lead_q <= lead0;
        hitop_q <= hitop0;
        left_q <= signed'(run_i);
        row_end_q <= run_end;
        cnt_q <= run_cnt;
        lo_q <= lead0;
        hi_q <= hitop0;
        r_q <= '0;
        last_row_q <= k_i == 16'd1;
        fill_q <= '0;
      end
    end
  end
`ifndef SYNTHESIS
  always_ff @(posedge clk_i)
    if (rst_ni) begin
      assert (ready_q == (!busy_q || (!gap_q && last_o && !flush)))
        else $error("nb_rungen: registered ready %0d differs from its definition", ready_q);
      assert (!busy_q || next_row_end == (left_next <= U))
        else $error("nb_rungen: units left %0d out of a run's range", left_q);
    end
`endif
endmodule
