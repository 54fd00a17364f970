// One lane of the fixed-point engine: its int8 weight memory (8-byte
// entries, two banks: one computed from, one loaded; block RAM with a
// registered read) and its cascade of MAC slices (nb_mac_lane), whose last
// slice holds the lane's accumulator: the window's dot product, the lane's
// own byte for identity skips, or its sum over the positions for average
// pooling. The controls (bubbles, the last slice's operation) are the same
// for every lane and come from nb_top.
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
  // the window word beside its weights (byte k delayed max(k-1, 0) cycles:
  // nb_mac_lane) and its first byte within the 8-byte entry
  input  logic [Macs*8-1:0]      a_i,
  input  logic [2:0]             abyte_i,
  input  logic [Macs-1:0]        mclr_i,
  input  logic [1:0]             op_i,
  input  logic signed [7:0]      lane_byte_i,  // select / pool: the lane's byte of the run read, with op_i
  output logic signed [31:0]     acc_o         // the accumulator (nb_mac_lane's timing)
);
  logic [63:0] wmem [2 << FixA];
  logic [63:0] went_q;
  logic [Macs*8-1:0] wsel;
  nb_mac_lane #(.Macs(Macs)) u_mac (.clk_i, .rst_ni, .a_i, .w_i(wsel), .mclr_i, .op_i, .c_i(lane_byte_i),
                                    .psum_o(acc_o));
  always_ff @(posedge clk_i) begin
    if (wload_i) wmem[{wbank_i, wword_i}] <= wdata_i;
    if (rd_i) went_q <= wmem[{cbank_i, ridx_i}];
  end
  always_comb begin
    // the word's bytes within the 8-byte entry: it starts on a multiple of Macs
    wsel = '0;
    for (int k = 0; k < 8 / Macs; k++)
      if (32'(abyte_i) == k * Macs) wsel = went_q[k*Macs*8 +: Macs*8];
  end
endmodule
