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
  output logic [U-1:0]          mask_o,        // units to keep
  output logic                  last_o         // the window's final chunk
);
  localparam int CW = $clog2(U + 1);
  logic busy_q, gap_q;
  logic signed [31:0] iy_q, rowbase_q, ixu_q;
  logic [15:0] r_q;
  logic [31:0] off_q;     // unit offset of the chunk within the row's run
  logic [CW-1:0] fill_q;  // units in the gearbox's partial word
  logic signed [31:0] lead, trail, lo_rel, hi_rel, left;
  logic [CW-1:0] lo_c, hi_c;
  logic row_valid, row_end, flush;
  logic [31:0] cnt32;
  logic [CW:0] fill_sum;
  always_comb begin
    lead = ixu_q < 0 ? -ixu_q : 32'sd0;
    trail = ixu_q + signed'(run_i) > signed'(in_row_units_i) ? ixu_q + signed'(run_i) - signed'(in_row_units_i) : 32'sd0;
    row_valid = iy_q >= 0 && iy_q < signed'(32'(in_h_i));
    left = signed'(run_i - off_q);
    cnt32 = left > U ? 32'(U) : 32'(left);
    row_end = left <= U;
    valid_o = busy_q && !gap_q;
    addr_o = 32'(rowbase_q + ixu_q) + off_q;
    count_o = CW'(cnt32);
    last_o = row_end && (r_q == k_i - 16'd1);
    // Units [lo, hi) of the chunk lie inside the image: clamped to the
    // chunk, then two thermometer codes of CW bits each.
    lo_rel = lead - signed'(off_q);
    hi_rel = signed'(run_i) - trail - signed'(off_q);
    if (hi_rel > signed'(cnt32)) hi_rel = signed'(cnt32);
    lo_c = lo_rel < 0 ? '0 : (lo_rel > U ? CW'(U) : CW'(lo_rel));
    hi_c = hi_rel < 0 ? '0 : CW'(hi_rel);
    for (int b = 0; b < U; b++) mask_o[b] = row_valid && CW'(b) >= lo_c && CW'(b) < hi_c;
    fill_sum = (CW+1)'(fill_q) + (CW+1)'(count_o);
    flush = last_o && fill_sum > (CW+1)'(U);
  end
  assign ready_o = !busy_q || (!gap_q && last_o && !flush);
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      gap_q <= 1'b0;
      iy_q <= '0;
      rowbase_q <= '0;
      ixu_q <= '0;
      r_q <= '0;
      off_q <= '0;
      fill_q <= '0;
    end else if (gap_q) begin
      gap_q <= 1'b0;
      busy_q <= 1'b0;
    end else begin
      if (busy_q) begin
        fill_q <= last_o ? '0 : (fill_sum >= (CW+1)'(U) ? CW'(fill_sum - (CW+1)'(U)) : CW'(fill_sum));
        if (row_end) begin
          off_q <= '0;
          r_q <= r_q + 16'd1;
          iy_q <= iy_q + 32'sd1;
          rowbase_q <= rowbase_q + signed'(in_row_units_i);
        end else begin
          off_q <= off_q + 32'(U);
        end
        if (last_o) begin
          if (flush) gap_q <= 1'b1;
          else busy_q <= 1'b0;
        end
      end
      if (start_i && ready_o) begin  // back to back with the previous window
        busy_q <= 1'b1;
        iy_q <= iy0_i - signed'(32'(pad_i));
        rowbase_q <= rowu0_i - signed'(pad_rows_i);
        ixu_q <= colu_i - signed'(pad_units_i);
        r_q <= '0;
        off_q <= '0;
        fill_q <= '0;
      end
    end
  end
endmodule
