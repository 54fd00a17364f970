// One lane of the fixed-point engine: its int8 weight memory (8-byte
// entries, two banks: one computed from, one loaded), the window word's
// products and their sum (nb_mac_lane), and the lane's int32 accumulator,
// which also takes the lane's own byte for identity skips and sums it over
// the positions for average pooling.
module nb_fix_lane #(
  parameter int Macs = 8,
  parameter int FixA = 8   // address bits of one weight bank (8-byte entries)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   wload_i,
  input  logic                   wbank_i,
  input  logic [FixA-1:0]        wword_i,
  input  logic [63:0]            wdata_i,
  // the weight entry of the word arriving next cycle
  input  logic                   rd_i,
  input  logic                   cbank_i,
  input  logic [FixA-1:0]        ridx_i,
  // stage 0: the window word and its first byte within the entry
  input  logic [Macs*8-1:0]      a_i,
  input  logic [2:0]             abyte_i,
  input  logic                   pvalid_i,   // stage 0 holds a word
  input  logic                   avalid_i,   // stage 1: its sum is in psum
  input  logic                   alast_i,
  // select / pool: the lane's byte of the run read
  input  logic                   sm_valid_i,
  input  logic                   sm_last_i,
  input  logic                   pool_i,
  input  logic signed [7:0]      lane_byte_i,
  output logic signed [31:0]     acc_o       // the window's acc, with its last word
);
  logic [63:0] wmem [2 << FixA];
  logic [63:0] went_q;
  logic [Macs*8-1:0] wsel;
  logic signed [31:0] psum, psum_q, acc_q;
  nb_mac_lane #(.Macs(Macs)) u_mac (.a_i, .w_i(wsel), .psum_o(psum));
  always_ff @(posedge clk_i) begin
    if (wload_i) wmem[{wbank_i, wword_i}] <= wdata_i;
    if (rd_i) went_q <= wmem[{cbank_i, ridx_i}];
  end
  always_comb begin
    // the word's bytes within the 8-byte entry: it starts on a multiple of Macs
    wsel = '0;
    for (int k = 0; k < 8 / Macs; k++)
      if (32'(abyte_i) == k * Macs) wsel = went_q[k*Macs*8 +: Macs*8];
    if (sm_valid_i) acc_o = (pool_i ? acc_q : 32'd0) + 32'(lane_byte_i);
    else acc_o = acc_q + psum_q;
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      psum_q <= '0;
      acc_q <= '0;
    end else begin
      if (pvalid_i) psum_q <= psum;
      if (sm_valid_i) acc_q <= sm_last_i ? 32'd0 : acc_o;
      else if (avalid_i) acc_q <= alast_i ? 32'd0 : acc_o;
    end
  end
endmodule
