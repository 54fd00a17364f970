// A skew line: element k of a word of N elements leaves max(k - Lead, 0)
// cycles after it entered, so that the elements of one word meet the
// stages of a cascade in turn (nb_mac_lane's slices: the window bytes in
// nb_top for all lanes, each lane's weight bytes). The delays are
// flip-flops with a reset, so that synthesis keeps them flip-flops rather
// than shift-register LUTs (SRL16E): LUTs are the scarce resource.
module nb_skew #(
  parameter int N = 8,      // elements per word
  parameter int W = 8,      // bits per element
  parameter int Lead = 1    // elements 0..Lead enter with no delay
) (
  input  logic         clk_i,
  /* verilator lint_off UNUSEDSIGNAL */  // no delays when N <= Lead + 1
  input  logic         rst_ni,
  /* verilator lint_on UNUSEDSIGNAL */
  input  logic [N*W-1:0] d_i,
  output logic [N*W-1:0] q_o
);
  for (genvar k = 0; k < N; k++) begin : g_el
    localparam int D = k > Lead ? k - Lead : 0;
    if (D == 0) begin : g_none
      assign q_o[k*W +: W] = d_i[k*W +: W];
    end else begin : g_dly
      // the D delays as one shift register, the newest element in the low
      // bits (one vector, not an array of D: Verilator then shifts it in one
      // step instead of staging each element's update)
      logic [D*W-1:0] d_q;
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) d_q <= '0;
        else d_q <= (D*W)'({d_q, d_i[k*W +: W]});
      end
      assign q_o[k*W +: W] = d_q[(D-1)*W +: W];
    end
  end
endmodule
