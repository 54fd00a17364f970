// One lane of the binary engine: Wpl DSP48E2 XNOR slices (or their LUT
// twins), each with its own 48-bit weight memory (two banks: one computed
// from, one loaded), popcounts of the XNOR words (padding bits masked), and
// the lane's accumulator: at a window's last word it gives
// dot = 2 * matches - K (DESIGN §4).
module nb_bin_lane #(
  parameter int Wpl = 1,       // 48-bit words per cycle
  parameter int XnorImpl = 1,  // 1: DSP48E2 logic unit, 0: LUTs
  parameter int KwA = 7        // address bits of one weight bank (entries of Wpl words)
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // weight load: word w of the row goes to memory w % Wpl, entry w / Wpl
  input  logic                   wload_i,
  input  logic                   wbank_i,
  input  logic [15:0]            wword_i,
  input  logic [47:0]            wdata_i,
  // compute: the window word and its index (the weight entry read now)
  input  logic                   cbank_i,
  input  logic [KwA-1:0]         widx_i,
  input  logic [Wpl*48-1:0]      word_i,
  // XnorStages cycles later: the word's valid, last and padding mask
  input  logic                   pvalid_i,
  input  logic                   plast_i,
  input  logic [Wpl*48-1:0]      pmask_i,
  input  logic [31:0]            kbin_i,
  output logic signed [15:0]     dot_o        // PopStages (1) cycle after pvalid_i && plast_i
);
  logic [7:0] pc;
  logic [15:0] acc_q;
  logic [7:0] pcs [Wpl];
  for (genvar j = 0; j < Wpl; j++) begin : g_dsp
    // simple dual port with a registered read (block RAM or LUT-RAM): the
    // read register is the slice's C register
    logic [47:0] wmem [2 << KwA];
    logic [47:0] wrd_q;
    logic [47:0] p;
    logic [5:0] c;
    always_ff @(posedge clk_i) begin
      if (wload_i && 32'(wword_i) % Wpl == j) wmem[{wbank_i, KwA'(32'(wword_i) / Wpl)}] <= wdata_i;
      wrd_q <= wmem[{cbank_i, widx_i}];
    end
    nb_dsp_xnor #(.Impl(XnorImpl), .CReg(0)) u_xnor (
      .clk_i, .ce_i(1'b1), .ab_i(word_i[j*48 +: 48]), .c_i(wrd_q), .p_o(p));
    nb_popcount u_pop (.x_i(p & pmask_i[j*48 +: 48]), .count_o(c));
    assign pcs[j] = 8'(c);
  end
  always_comb begin
    pc = '0;
    for (int j = 0; j < Wpl; j++) pc = pc + pcs[j];
  end
  // the count in a register (nb_pkg::PopStages), then the accumulator and dot
  logic [7:0] pc_q;
  logic pv_q, pl_q;
  always_ff @(posedge clk_i) pc_q <= pc;
  assign dot_o = 16'(32'd2 * (32'(acc_q) + 32'(pc_q)) - kbin_i);
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      acc_q <= '0;
      pv_q <= 1'b0;
      pl_q <= 1'b0;
    end else begin
      pv_q <= pvalid_i;
      pl_q <= plast_i;
      if (pv_q) acc_q <= pl_q ? 16'd0 : acc_q + 16'(pc_q);
    end
  end
endmodule
