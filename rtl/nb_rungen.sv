// Window run generator: for one output position it walks the k rows of the
// input window and emits, per cycle, a chunk of up to U units (bits of the
// bit-packed activations, or int8 bytes) of the row's run of k pixels,
// channel innermost, so the chunks concatenate to the window in (ky, kx, c)
// order. Out-of-image pixels are masked off: zero bits (-1) on the binary
// path, int8 0 on the fixed-point path (DESIGN §4 padding).
// It mirrors the downstream gearbox's fill and leaves a one-cycle gap after
// a window whose last chunk makes the gearbox flush.
module nb_rungen #(
  parameter int U = 48
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  input  logic                  start_i,     // begin the window of (oy, ox)
  input  logic [15:0]           oy_i,
  input  logic [15:0]           ox_i,
  input  logic [15:0]           k_i,         // kernel size
  input  logic [15:0]           stride_i,
  input  logic [15:0]           pad_i,
  input  logic [15:0]           in_h_i,
  input  logic [15:0]           in_w_i,
  input  logic [15:0]           c_i,         // units per pixel (channels)
  output logic                  ready_o,     // start_i is taken this cycle (idle, or on a window's last chunk)
  output logic                  valid_o,
  output logic [31:0]           addr_o,      // unit address of the chunk's unit 0 (may wrap)
  output logic [$clog2(U+1)-1:0] count_o,
  output logic [U-1:0]          mask_o,      // units to keep
  output logic                  last_o       // the window's final chunk
);
  localparam int CW = $clog2(U + 1);
  logic busy_q, gap_q;
  logic [15:0] oy_q, ox_q, r_q;
  logic [31:0] off_q;   // unit offset of the chunk within the row's run
  logic [CW-1:0] fill_q;  // units in the gearbox's partial word

  logic signed [31:0] iy, ix0, lead, trail, lo, hi, row_units, start_addr;
  logic row_valid, row_end, flush;
  logic [31:0] cnt32;
  logic [CW:0] fill_sum;

  always_comb begin
    iy = 32'(oy_q) * 32'(stride_i) + 32'(r_q) - 32'(pad_i);
    ix0 = 32'(ox_q) * 32'(stride_i) - 32'(pad_i);
    lead = ix0 < 0 ? -ix0 : 0;
    trail = (ix0 + 32'(k_i) > 32'(in_w_i)) ? ix0 + 32'(k_i) - 32'(in_w_i) : 0;
    lo = lead * 32'(c_i);
    hi = (32'(k_i) - trail) * 32'(c_i);
    row_units = 32'(k_i) * 32'(c_i);
    row_valid = iy >= 0 && iy < 32'(in_h_i);
    start_addr = (iy * 32'(in_w_i) + ix0) * 32'(c_i);
    cnt32 = (row_units - off_q > 32'(U)) ? 32'(U) : row_units - off_q;
    row_end = off_q + 32'(U) >= row_units;
    valid_o = busy_q && !gap_q;
    addr_o = start_addr + off_q;
    count_o = CW'(cnt32);
    last_o = row_end && (r_q == k_i - 16'd1);
    for (int b = 0; b < U; b++) begin
      mask_o[b] = row_valid && (signed'(off_q + 32'(b)) >= lo) && (signed'(off_q + 32'(b)) < hi) && (32'(b) < cnt32);
    end
    fill_sum = (CW+1)'(fill_q) + (CW+1)'(count_o);
    flush = last_o && fill_sum > (CW+1)'(U);
  end
  assign ready_o = !busy_q || (!gap_q && last_o && !flush);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q <= 1'b0;
      gap_q <= 1'b0;
      oy_q <= '0;
      ox_q <= '0;
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
        oy_q <= oy_i;
        ox_q <= ox_i;
        r_q <= '0;
        off_q <= '0;
        fill_q <= '0;
      end
    end
  end
endmodule
