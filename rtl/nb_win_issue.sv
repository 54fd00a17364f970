// The window issue's counters: where a tile's next window starts, stepped
// by the pitches the compiler put into the descriptor (no multiply, divide
// or modulo): the output column ox (only compared with the row's width),
// the first input row oy * stride, and the buffer units of that row
// (oy * row_step) and of the column (ox * col_step). A window is one output
// position, or two side by side (position pairs: `pair_o`, set as the tile
// starts), the second one column pitch on (`colu1_o`). Also the select
// read's address (an identity skip reads the input at the window's
// position, from the tile's first channel) and the windows issued, with
// "more to issue" as a register so that the controller's issue decision
// has no 32-bit compare in it.
//
// start_i (a tile starts) and step_i (a window issued) never come together:
// the controller starts a tile in one state and issues in another; start_i
// wins. The counters hold between the two.
module nb_win_issue (
  input  logic        clk_i,
  input  logic        rst_ni,
  // a tile starts: the counters go to its first window
  input  logic        start_i,
  input  logic        pair_i,       // the new tile is in position pairs
  input  logic [15:0] tile_i,       // its first output channel (the select read's start)
  input  logic [31:0] windows_i,    // positions per tile (pairs count two)
  // the layer's walk (held while a tile is issued)
  input  logic [15:0] pos_w_i,      // positions per row (even when in pairs)
  input  logic [15:0] stride_i,
  input  logic [31:0] row_step_i,   // pitch from one output row's windows to the next
  input  logic [31:0] col_step_i,   // pitch from one output column's window to the next
  // a window is issued: the counters step one position, or two
  input  logic        step_i,
  output logic        pair_o,
  output logic signed [31:0] iy0_o,   // oy * stride
  output logic signed [31:0] rowu_o,  // oy * row_step
  output logic signed [31:0] colu_o,  // ox * col_step
  output logic signed [31:0] colu1_o, // the pair's second position: colu_o + col_step (else colu_o)
  output logic [31:0] sel_ptr_o,      // tile_i + position * col_step
  output logic [31:0] n_o,            // positions issued in this tile
  output logic        more_o          // n_o < windows_i
);
  logic pair_q, pair_d;
  logic [15:0] ox_q, ox_d;
  logic signed [31:0] iy0_q, iy0_d, rowu_q, rowu_d, colu_q, colu_d, colu1_q, colu1_d;
  logic [31:0] sel_q, sel_d, n_q, n_d;
  logic more_q, more_d;

  always_comb begin
    pair_d = pair_q;
    ox_d = ox_q;
    iy0_d = iy0_q;
    rowu_d = rowu_q;
    colu_d = colu_q;
    colu1_d = colu1_q;
    sel_d = sel_q;
    n_d = n_q;
    more_d = more_q;
    if (start_i) begin
      pair_d = pair_i;
      ox_d = '0;
      iy0_d = '0;
      rowu_d = '0;
      colu_d = '0;
      colu1_d = pair_i ? signed'(col_step_i) : 32'sd0;
      sel_d = 32'(tile_i);
      n_d = '0;
      more_d = windows_i != 32'd0;
    end else if (step_i) begin
      n_d = n_q + (32'd1 << pair_q);
      more_d = n_q + (32'd1 << pair_q) < windows_i;
      sel_d = sel_q + (col_step_i << pair_q);
      if (ox_q + (16'd1 << pair_q) == pos_w_i) begin
        // the row's last window: the next row, oy + 1
        ox_d = '0;
        colu_d = '0;
        colu1_d = pair_q ? signed'(col_step_i) : 32'sd0;
        iy0_d = iy0_q + 32'(stride_i);
        rowu_d = rowu_q + signed'(row_step_i);
      end else begin
        ox_d = ox_q + (16'd1 << pair_q);
        colu_d = colu_q + signed'(col_step_i << pair_q);
        colu1_d = colu1_q + signed'(col_step_i << pair_q);
      end
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      pair_q <= 1'b0;
      ox_q <= '0;
      iy0_q <= '0;
      rowu_q <= '0;
      colu_q <= '0;
      colu1_q <= '0;
      sel_q <= '0;
      n_q <= '0;
      more_q <= 1'b0;
    end else begin
      pair_q <= pair_d;
      ox_q <= ox_d;
      iy0_q <= iy0_d;
      rowu_q <= rowu_d;
      colu_q <= colu_d;
      colu1_q <= colu1_d;
      sel_q <= sel_d;
      n_q <= n_d;
      more_q <= more_d;
    end
  end

  assign pair_o = pair_q;
  assign iy0_o = iy0_q;
  assign rowu_o = rowu_q;
  assign colu_o = colu_q;
  assign colu1_o = colu1_q;
  assign sel_ptr_o = sel_q;
  assign n_o = n_q;
  assign more_o = more_q;

`ifndef SYNTHESIS
  // the two never come together (the controller's states)
  always_ff @(posedge clk_i) if (rst_ni) begin
    assert (!(start_i && step_i)) else $error("nb_win_issue: a window issued as a tile starts");
    // a window is issued only while there are windows left
    assert (!step_i || more_q) else $error("nb_win_issue: a window issued past the tile's last");
    // the row's width is whole windows: a pair never spans two rows
    assert (!(step_i && pair_q && pos_w_i[0])) else $error("nb_win_issue: pairs on an odd row width");
  end
`endif
endmodule
