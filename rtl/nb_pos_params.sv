// The per-position parameters of a token-mixing layer: it computes with the
// channels as positions, so its M1, M2, bias (per channel) and the next
// layer's tau / neg (per channel) go with the window being merged, the same
// for every lane. The tile loader writes the five arrays as they come from
// memory (whole beats, at the beat's index: the arrays start on a beat), one
// block RAM each; nb_top reads a position four ahead of the merge's and
// copies its parameters into the lane parameters' ring of token rows
// (nb_lane_params): they are in the outputs the cycle after pos_i.
module nb_pos_params #(
  parameter int N = 256,     // positions (channels of a token-mixing layer)
  localparam int PA = $clog2(N)
) (
  input  logic               clk_i,
  // load: which array (0 M1, 1 M2, 2 bias, 3 tau, 4 neg) and the beat's index in it
  input  logic               we_i,
  input  logic [2:0]         which_i,
  input  logic [PA-1:0]      beat_i,
  input  logic [63:0]        data_i,
  // read
  input  logic [PA-1:0]      pos_i,
  output logic signed [17:0] m1_o,
  output logic signed [17:0] m2_o,
  output logic signed [47:0] bias_o,
  output logic signed [15:0] tau_o,
  output logic               neg_o
);
  // beats of each array: 2 M1 (i32) per beat, 2 M2, 1 bias (i64), 4 tau (i16), 8 neg (u8)
  (* ram_style = "block" *) logic [63:0] m1_mem [N / 2];
  (* ram_style = "block" *) logic [63:0] m2_mem [N / 2];
  (* ram_style = "block" *) logic [63:0] bias_mem [N];
  (* ram_style = "block" *) logic [63:0] tau_mem [N / 4];
  (* ram_style = "block" *) logic [63:0] neg_mem [N / 8];
  always_ff @(posedge clk_i) begin
    if (we_i && which_i == 3'd0) m1_mem[beat_i[PA-2:0]] <= data_i;
    if (we_i && which_i == 3'd1) m2_mem[beat_i[PA-2:0]] <= data_i;
    if (we_i && which_i == 3'd2) bias_mem[beat_i] <= data_i;
    if (we_i && which_i == 3'd3) tau_mem[beat_i[PA-3:0]] <= data_i;
    if (we_i && which_i == 3'd4) neg_mem[beat_i[PA-4:0]] <= data_i;
  end
  logic [63:0] m1_q, m2_q, tau_q, neg_q;
  logic [47:0] bias_q;
  logic [2:0] slot_q;   // the position's place in the beats
  always_ff @(posedge clk_i) begin
    m1_q <= m1_mem[pos_i[PA-1:1]];
    m2_q <= m2_mem[pos_i[PA-1:1]];
    bias_q <= bias_mem[pos_i][47:0];
    tau_q <= tau_mem[pos_i[PA-1:2]];
    neg_q <= neg_mem[pos_i[PA-1:3]];
    slot_q <= pos_i[2:0];
  end
  assign m1_o = signed'(m1_q[32'(slot_q[0])*32 +: 18]);
  assign m2_o = signed'(m2_q[32'(slot_q[0])*32 +: 18]);
  assign bias_o = signed'(bias_q);
  assign tau_o = signed'(tau_q[32'(slot_q[1:0])*16 +: 16]);
  assign neg_o = neg_q[32'(slot_q)*8];
endmodule
