// Transpose buffer: the merge's outputs of a layer written transposed (its
// positions become the rows of the next layer's input: the token-mixing
// layers of BlendMixer compute on the other axis). The merge puts out a
// group of B lanes of one position per cycle; the buffer collects B
// positions (a block) of every lane and gives back, one lane per cycle, that
// lane's B positions in order: a run of B elements at consecutive addresses
// of the activation buffers, written by their ordinary write port.
//
// B memories (LUT-RAM, one write and one read port, two banks of Lanes
// entries rounded up to a power of two: a bank per block, so a block drains
// while the next one fills). Element
// (lane o, position q) of a block sits in memory (o + q) mod B at row
// {bank, o}: the B lanes of a write (o = lane_i + r, lane_i a multiple of
// B) fall in B distinct memories, and so do the B positions of a read.
// A write is rotated into place by q, a read back into order by o mod B.
//
// Timing: the write's inputs are registered and written the cycle after;
// a read returns its lane's run in q_o the cycle after re_i (rotated from
// the memories' asynchronous read into a register). A read sees the writes
// presented two or more cycles before it.
module nb_transpose #(
  parameter int Lanes = 32,   // lanes of a tile (rows of a block)
  parameter int B = 8,        // positions per block: the lanes of a write (the merge units)
  parameter int W = 9,        // bits per element (an int8 output and its bit)
  localparam int LB = Lanes > 1 ? $clog2(Lanes) : 1,   // lane index bits
  localparam int QA = B > 1 ? $clog2(B) : 1
) (
  input  logic               clk_i,
  // write: lanes lane_i .. lane_i + B - 1 of position q_i of block bank_i
  input  logic               we_i,
  input  logic               bank_i,
  input  logic [LB-1:0]      lane_i,   // a multiple of B
  input  logic [QA-1:0]      q_i,      // position within the block, 0 .. B-1
  input  logic [B*W-1:0]     d_i,      // unit r at [r*W +: W]
  // read: lane rlane_i of block rbank_i; rrot_i = rlane_i mod B
  input  logic               re_i,
  input  logic               rbank_i,
  input  logic [LB-1:0]      rlane_i,
  input  logic [QA-1:0]      rrot_i,
  output logic [B*W-1:0]     q_o       // position q at [q*W +: W]
);
  localparam int Rows = 2 << LB;   // {bank, lane}
  // (m - q) mod B and (q + o) mod B, for m, q, o in 0 .. B-1
  function automatic int unsigned sub_mod(input int unsigned a, input int unsigned b);
    sub_mod = a >= b ? a - b : a + B - b;
  endfunction
  function automatic int unsigned add_mod(input int unsigned a, input int unsigned b);
    add_mod = a + b >= B ? a + b - B : a + b;
  endfunction

  logic we_q, bank_q;
  logic [LB-1:0] lane_q;
  logic [QA-1:0] q_q;
  logic [B*W-1:0] d_q;
  always_ff @(posedge clk_i) begin
    we_q <= we_i;
    bank_q <= bank_i;
    lane_q <= lane_i;
    q_q <= q_i;
    d_q <= d_i;
  end

  logic [W-1:0] rd [B];   // memory m's element of the lane being read
  for (genvar m = 0; m < B; m++) begin : g_mem
    (* ram_style = "distributed" *) logic [W-1:0] mem [Rows];
    logic [QA-1:0] r;       // the unit of the write that lands here
    logic [W-1:0] wd;
    logic [LB:0] wrow;
    always_comb begin
      r = QA'(sub_mod(m, 32'(q_q)));
      wd = d_q[32'(r)*W +: W];
      // lane_q + r < Lanes; lane_q is a multiple of B: with B a power of
      // two, r fills its low bits
      wrow = {bank_q, (B & (B - 1)) == 0 ? lane_q | LB'(r) : lane_q + LB'(r)};
    end
    always_ff @(posedge clk_i) if (we_q) mem[wrow] <= wd;
    assign rd[m] = mem[{rbank_i, rlane_i}];
  end

  always_ff @(posedge clk_i) begin
    if (re_i)
      for (int q = 0; q < B; q++) q_o[q*W +: W] <= rd[add_mod(32'(q), 32'(rrot_i))];
  end

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (we_i) assert (32'(lane_i) % B == 0 && 32'(lane_i) < Lanes && 32'(q_i) < B)
      else $error("nb_transpose: write of lane %0d position %0d outside a block of %0d x %0d", lane_i, q_i, Lanes, B);
    if (re_i) assert (32'(rlane_i) < Lanes && 32'(rrot_i) == 32'(rlane_i) % B)
      else $error("nb_transpose: read of lane %0d with rotation %0d", rlane_i, rrot_i);
  end
`endif
endmodule
