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
      logic [W-1:0] d_q [D];
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) for (int i = 0; i < D; i++) d_q[i] <= '0;
        else begin
          d_q[0] <= d_i[k*W +: W];
          for (int i = 1; i < D; i++) d_q[i] <= d_q[i-1];
        end
      end
      assign q_o[k*W +: W] = d_q[D-1];
    end
  end
endmodule
