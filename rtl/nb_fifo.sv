// A FIFO of Depth words of W bits: one write port and the head read
// asynchronously (LUT-RAM: a window's lane results enter whole and the merge
// reads the head in groups). Depth is a power of two; the pointers wrap.
//
// push_i writes wdata_i at the tail; pop_i removes the head. The consumer's
// side is valid / ready: valid_o says the head is there, pop_i takes it. The
// producer is not back-pressured: the controller keeps at most Depth - 2
// windows in flight, and an assertion checks that a push never meets a full
// FIFO (nor a pop an empty one).
module nb_fifo #(
  parameter int W = 16,
  parameter int Depth = 16,
  localparam int A = Depth > 1 ? $clog2(Depth) : 1,
  localparam int C = $clog2(Depth + 1)
) (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         push_i,
  input  logic [W-1:0] wdata_i,
  input  logic         pop_i,
  output logic         valid_o,
  output logic [W-1:0] head_o,
  output logic [C-1:0] count_o
);
  logic [W-1:0] mem [Depth];
  logic [A-1:0] wr_q, rd_q;
  logic [C-1:0] cnt_q;

  always_ff @(posedge clk_i) if (push_i) mem[wr_q] <= wdata_i;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wr_q <= '0;
      rd_q <= '0;
      cnt_q <= '0;
    end else begin
      if (push_i) wr_q <= wr_q + A'(1);
      if (pop_i) rd_q <= rd_q + A'(1);
      cnt_q <= cnt_q + (push_i ? C'(1) : C'(0)) - (pop_i ? C'(1) : C'(0));
    end
  end
  assign head_o = mem[rd_q];
  assign valid_o = cnt_q != '0;
  assign count_o = cnt_q;

  initial if (Depth < 2 || (Depth & (Depth - 1)) != 0) $fatal(1, "nb_fifo: Depth must be a power of two, 2 or more");
`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      assert (!(push_i && !pop_i && cnt_q == C'(Depth))) else $error("nb_fifo: push into a full FIFO");
      assert (!(pop_i && cnt_q == '0)) else $error("nb_fifo: pop from an empty FIFO");
    end
  end
`endif
endmodule
